"""An identity token + rules -> why each rule would or would not accept it (`fedctl explain`)."""
