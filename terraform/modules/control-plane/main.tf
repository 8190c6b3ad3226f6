# The control plane's own deployment: what `npm start` simulates locally, for real.
# Topic names and function entry points are part of the code's contract
# (shared/events/topics.ts); test/terraform keeps them in step with this file.

locals {
  # Keys are the flow names of shared/events/topics.ts; values are the topic names.
  topics = {
    provisioning = "cp-provisioning-requests"
    backups      = "cp-backup-jobs"
    alerts       = "cp-monitoring-alerts"
    budgets      = "cp-billing-budgets"
    costReports  = "cp-cost-report-jobs"
    events       = "cp-events"
  }

  dead_letter_suffix = "-dlq"

  # One function per event flow. entry_point is the functions-framework target the code
  # registers; project_roles are the only predefined project-level roles that function uses.
  # Everything that writes to Cloud SQL, Secret Manager, Storage or Artifact Registry is a
  # custom role granted with an IAM condition on resource names (iam.tf).
  functions = {
    provisioning = {
      name          = "cp-provisioning"
      entry_point   = "provisioning"
      topic         = "provisioning"
      description   = "Creates and deletes team workspaces (database, user, secret, bucket, registry)."
      project_roles = []
    }
    backups = {
      name          = "cp-backups"
      entry_point   = "backups"
      topic         = "backups"
      description   = "On-demand backups, exports, retention purge, RPO check and restore drills."
      project_roles = ["roles/monitoring.metricWriter", "roles/workflows.invoker"]
    }
    alerts = {
      name          = "cp-alerts"
      entry_point   = "alerts"
      topic         = "alerts"
      description   = "Matches alert incidents to remediation rules and starts workflows with guardrails."
      project_roles = ["roles/workflows.invoker"]
    }
    budgets = {
      name        = "cp-budgets"
      entry_point = "budgets"
      topic       = "budgets"
      description = "Acts once on each budget threshold (notify; optional dev scale-down)."
      # Scale-down patches the dev instance's activation policy (custom role on that instance)
      # and starts the redeploy workflow with replicas 0.
      project_roles = ["roles/workflows.invoker"]
    }
    costReports = {
      name        = "cp-cost-reports"
      entry_point = "costReports"
      topic       = "costReports"
      description = "Prices actual usage with the Billing Catalog and writes the weekly and monthly cost reports."
      # Usage comes from Cloud Monitoring (timeSeries.list). The Cloud Billing Catalog
      # (services.list, services.skus.list) is public pricing and needs no IAM role, only the
      # cloudbilling API enabled on the project.
      project_roles = ["roles/monitoring.viewer"]
    }
  }

  workflows_dir = "${path.module}/../../../workflows"

  # Every file of workflows/ is deployed as-is, named after the file: a new workflow needs no
  # Terraform change. file(), never templatefile(): templating rewrites ${} expressions and
  # causes permanent plan drift.
  workflows = {
    for f in fileset(local.workflows_dir, "*.yaml") : trimsuffix(f, ".yaml") => {
      file        = f
      description = lookup(local.workflow_descriptions, trimsuffix(f, ".yaml"), "Control plane workflow ${f}.")
    }
  }

  workflow_descriptions = {
    redeploy         = "Argo CD sync, wait for Synced/Healthy, roll back to the previous revision on failure."
    pitr-restore     = "Point-in-time restore: clone at time T, verify, repoint apps, health check, roll back on failure."
    restore-drill    = "Weekly restore drill: PITR clone to a scratch instance, verify, always delete, record the RTO."
    bucket-restore   = "Restores a workspace bucket (or prefix) to its state at time T from object versions; dry-run first."
    regional-restore = "Restores the newest backup into a new instance in the backup region and repoints the apps, after approval."
  }

  labels = merge(var.labels, { component = "stack-control-plane", environment = var.environment })

  function_role_bindings = merge([
    for key, fn in local.functions : {
      for role in fn.project_roles : "${key}/${role}" => { function = key, role = role }
    }
  ]...)
}

data "google_project" "this" {
  project_id = var.project_id
}

# One identity per function, holding only the roles that function uses.
resource "google_service_account" "functions" {
  for_each = local.functions

  project      = var.project_id
  account_id   = each.value.name
  display_name = "Control plane: ${each.key} function"
  description  = each.value.description
}

resource "google_project_iam_member" "functions" {
  for_each = local.function_role_bindings

  project = var.project_id
  role    = each.value.role
  member  = google_service_account.functions[each.value.function].member
}

# Pub/Sub signs the push requests to the functions with this identity.
resource "google_service_account" "push_invoker" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-cp-invoker"
  display_name = "Control plane: Pub/Sub push invoker"
  description  = "Identity in the OIDC token of the push subscriptions; may only invoke the control plane functions."
}

# Cloud Build identity for the function builds, instead of the default compute account.
resource "google_service_account" "builder" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-cp-builder"
  display_name = "Control plane: function builds"
  description  = "Builds the control plane functions from the source archive."
}

resource "google_project_iam_member" "builder" {
  for_each = toset(["roles/logging.logWriter", "roles/artifactregistry.writer"])

  project = var.project_id
  role    = each.value
  member  = google_service_account.builder.member
}

resource "google_service_account" "workflows" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-cp-workflows"
  display_name = "Control plane: workflows"
  description  = "Runs the recovery workflows (Cloud SQL clone/restore/drill delete, app secret versions, child executions, logs)."
}

# pitr-restore reads, adds and disables versions of the apps' database secret; redeploy
# reads the Argo CD token. Granted on those secrets only.
resource "google_secret_manager_secret_iam_member" "workflows_app_secrets" {
  for_each = {
    for pair in setproduct(keys(var.app_secret_ids), ["roles/secretmanager.secretAccessor", "roles/secretmanager.secretVersionManager"]) :
    "${pair[0]}/${pair[1]}" => { secret = var.app_secret_ids[pair[0]], role = pair[1] }
  }

  project   = var.project_id
  secret_id = each.value.secret
  role      = each.value.role
  member    = google_service_account.workflows.member
}

# The Argo CD API token; its value is added out of band (gcloud secrets versions add).
resource "google_secret_manager_secret" "argocd_token" {
  project   = var.project_id
  secret_id = "argocd-token"
  labels    = local.labels

  replication {
    user_managed {
      replicas {
        location = var.region

        customer_managed_encryption {
          kms_key_name = var.secrets_kms_key_id
        }
      }
    }
  }
}

resource "google_secret_manager_secret_iam_member" "workflows_argocd_token" {
  project   = var.project_id
  secret_id = google_secret_manager_secret.argocd_token.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.workflows.member
}
