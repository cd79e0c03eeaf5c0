"""LiveState -> configuration files in fedctl's own language (`fedctl export`), or Terraform
HCL (`terraform.py`, `hcl.py`); and back from Terraform: `terraform_import/` reads
`terraform show -json` into a LiveState that this export writes (`fedctl import-terraform`).
"""
