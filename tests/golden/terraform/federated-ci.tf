# Exported by fedctl 0.1.0 from organization 'Acme' for the anthropics/anthropic provider.
# `terraform plan` with this file imports every resource and reports no changes.

terraform {
  required_version = ">= 1.11"
  required_providers {
    anthropic = {
      source  = "anthropics/anthropic"
      version = ">= 0.1.0, < 2.0.0"
    }
  }
}

provider "anthropic" {
  organization_id = "00000000-0000-0000-0000-000000000001"
}

# Workspaces are referenced, not managed, by this configuration.
locals {
  workspace_ids = {
    research = "wrkspc_01Research000000000000"
  }
}

resource "anthropic_service_account" "research_ci" {
  name        = "research-ci"
  description = "Deploys the research team's agents from CI."
}

import {
  to = anthropic_service_account.research_ci
  id = "svac_01ResearchCi"
}

resource "anthropic_workspace_service_account" "research_ci_research" {
  workspace_id       = local.workspace_ids.research
  service_account_id = anthropic_service_account.research_ci.id
  workspace_role     = "workspace_developer"
}

import {
  to = anthropic_workspace_service_account.research_ci_research
  id = "wrkspc_01Research000000000000/svac_01ResearchCi"
}

resource "anthropic_federation_issuer" "github_actions" {
  name       = "github-actions"
  issuer_url = "https://token.actions.githubusercontent.com"
}

import {
  to = anthropic_federation_issuer.github_actions
  id = "fdis_01GithubActions"
}

resource "anthropic_federation_rule" "research_ci_main" {
  name                   = "research-ci-main"
  issuer_id              = anthropic_federation_issuer.github_actions.id
  service_account_id     = anthropic_service_account.research_ci.id
  oauth_scope            = "workspace:developer"
  workspace_id           = local.workspace_ids.research
  token_lifetime_seconds = 600
  match = {
    subject_prefix = "repo:acme/research:ref:refs/heads/main"
    claims = {
      repository_id       = "812345678"
      repository_owner_id = "91234567"
    }
  }
}

import {
  to = anthropic_federation_rule.research_ci_main
  id = "fdrl_01ResearchCi"
}
