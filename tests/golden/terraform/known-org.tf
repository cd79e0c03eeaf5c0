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
    default         = "wrkspc_01default"
    production      = "wrkspc_01prod"
    wrkspc_01stage2 = "wrkspc_01stage2"
  }
}

resource "anthropic_service_account" "bootstrap" {
  name              = "bootstrap"
  organization_role = "admin"
}

import {
  to = anthropic_service_account.bootstrap
  id = "svac_01boot"
}

resource "anthropic_service_account" "k8s_jobs" {
  name = "k8s-jobs"
}

import {
  to = anthropic_service_account.k8s_jobs
  id = "svac_01k8s"
}

resource "anthropic_service_account" "payments_ci" {
  name        = "payments-ci"
  description = "Deploys payments-api\nfrom GitHub Actions"
}

import {
  to = anthropic_service_account.payments_ci
  id = "svac_01pay"
}

resource "anthropic_workspace_service_account" "payments_ci_production" {
  workspace_id       = local.workspace_ids.production
  service_account_id = anthropic_service_account.payments_ci.id
  workspace_role     = "workspace_developer"
}

import {
  to = anthropic_workspace_service_account.payments_ci_production
  id = "wrkspc_01prod/svac_01pay"
}

resource "anthropic_workspace_service_account" "payments_ci_wrkspc_01stage2" {
  workspace_id       = local.workspace_ids.wrkspc_01stage2
  service_account_id = anthropic_service_account.payments_ci.id
  workspace_role     = "workspace_user"
}

import {
  to = anthropic_workspace_service_account.payments_ci_wrkspc_01stage2
  id = "wrkspc_01stage2/svac_01pay"
}

# Backs Console-managed rules (cluster-admin): the Admin API refuses to update this issuer from an OAuth caller; change it in the Console.
resource "anthropic_federation_issuer" "cluster" {
  name       = "cluster"
  issuer_url = "https://kubernetes.default.svc"
  jwks = {
    type = "inline"
    keys_json = jsonencode([
      {
        kty = "EC"
        kid = "cluster-1"
        crv = "P-256"
        x   = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
        y   = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
      },
    ])
  }
  max_jwt_lifetime_seconds = 7200
  check_jti                = false
}

import {
  to = anthropic_federation_issuer.cluster
  id = "fdis_01k8s"
}

# Backs Console-managed rules (bootstrap-admin): the Admin API refuses to update this issuer from an OAuth caller; change it in the Console.
resource "anthropic_federation_issuer" "console_only" {
  name       = "console-only"
  issuer_url = "https://idp.example.com"
  jwks = {
    type = "explicit_url"
    url  = "https://idp.example.com/jwks"
  }
}

import {
  to = anthropic_federation_issuer.console_only
  id = "fdis_01boot"
}

resource "anthropic_federation_issuer" "github_actions" {
  name       = "github-actions"
  issuer_url = "https://token.actions.githubusercontent.com"
}

import {
  to = anthropic_federation_issuer.github_actions
  id = "fdis_01gha"
}

# Console-managed: oauth_scope 'org:admin' is one the provider can import and read but never create or change; change it in the Console.
resource "anthropic_federation_rule" "bootstrap_admin" {
  name                      = "bootstrap-admin"
  issuer_id                 = anthropic_federation_issuer.console_only.id
  service_account_id        = anthropic_service_account.bootstrap.id
  oauth_scope               = "org:admin"
  applies_to_all_workspaces = true
  match = {
    subject_prefix = "admin-pipeline"
  }
}

import {
  to = anthropic_federation_rule.bootstrap_admin
  id = "fdrl_01bad"
}

# Console-managed: oauth_scope 'workspace:developer workspace:manage_tunnels' is one the provider can import and read but never create or change; change it in the Console.
resource "anthropic_federation_rule" "cluster_admin" {
  name               = "cluster-admin"
  issuer_id          = anthropic_federation_issuer.cluster.id
  service_account_id = anthropic_service_account.bootstrap.id
  oauth_scope        = "workspace:developer workspace:manage_tunnels"
  workspace_id       = local.workspace_ids.default
  match = {
    subject_prefix = "system:serviceaccount:ops:admin"
  }
}

import {
  to = anthropic_federation_rule.cluster_admin
  id = "fdrl_01cad"
}

resource "anthropic_federation_rule" "deploy_main" {
  name                   = "deploy-main"
  issuer_id              = anthropic_federation_issuer.github_actions.id
  service_account_id     = anthropic_service_account.payments_ci.id
  oauth_scope            = "workspace:developer"
  workspace_id           = local.workspace_ids.production
  token_lifetime_seconds = 600
  match = {
    subject_prefix = "repo:acme/payments-api:ref:refs/heads/main"
    audience       = "https://api.anthropic.com"
    claims = {
      repository_owner    = "acme"
      repository_owner_id = "91234567"
    }
  }
}

import {
  to = anthropic_federation_rule.deploy_main
  id = "fdrl_01dep"
}

resource "anthropic_federation_rule_workspace" "deploy_main_wrkspc_01stage2" {
  federation_rule_id = anthropic_federation_rule.deploy_main.id
  workspace_id       = local.workspace_ids.wrkspc_01stage2
}

import {
  to = anthropic_federation_rule_workspace.deploy_main_wrkspc_01stage2
  id = "fdrl_01dep/wrkspc_01stage2"
}

resource "anthropic_federation_rule" "nightly" {
  name                      = "nightly"
  description               = "Nightly batch"
  issuer_id                 = anthropic_federation_issuer.cluster.id
  service_account_id        = anthropic_service_account.k8s_jobs.id
  oauth_scope               = "workspace:inference"
  applies_to_all_workspaces = true
  match = {
    subject_prefix = "system:serviceaccount:batch:nightly"
    condition      = "claims[\"kubernetes.io\"][\"namespace\"] == \"batch\""
  }
}

import {
  to = anthropic_federation_rule.nightly
  id = "fdrl_01ngt"
}
