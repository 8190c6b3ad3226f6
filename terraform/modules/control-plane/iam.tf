# Least privilege for the functions and the workflows: custom roles with only the permissions
# the code calls, granted with IAM conditions on resource names wherever the service supports
# them. Creating a resource is checked against the project (the resource does not exist yet),
# so "create" permissions sit in their own unconditioned roles that can read nothing.

locals {
  role_prefix = replace(var.name_prefix, "-", "_")
  project_num = data.google_project.this.number

  instance_resource  = "projects/${var.project_id}/instances/${var.sql_instance_name}"
  drill_prefix       = "projects/${var.project_id}/instances/${var.sql_instance_name}-drill-"
  workspace_buckets  = "projects/_/buckets/${var.project_id}-ws-"
  workspace_secrets  = ["projects/${var.project_id}/secrets/ws-", "projects/${local.project_num}/secrets/ws-"]
  workspace_repos    = "projects/${var.project_id}/locations/${var.region}/repositories/ws-"
  firestore_resource = "projects/${var.project_id}/databases/${var.firestore_database_id}"

  custom_roles = {
    # Databases and users of workspaces on the stack's instance; the final export on delete.
    sqlWorkspaces = {
      title = "Control plane: workspace databases and users"
      permissions = [
        "cloudsql.databases.create", "cloudsql.databases.delete", "cloudsql.databases.get", "cloudsql.databases.list",
        "cloudsql.databases.update", "cloudsql.users.create", "cloudsql.users.delete", "cloudsql.users.list",
        "cloudsql.users.update", "cloudsql.instances.get", "cloudsql.instances.export",
      ]
    }
    # Creating workspace resources (no read, no delete).
    workspaceCreator = {
      title       = "Control plane: create workspace resources"
      permissions = ["secretmanager.secrets.create", "storage.buckets.create", "artifactregistry.repositories.create"]
    }
    # Managing ws-* resources; secretmanager.versions.access is deliberately absent: the
    # function writes workspace passwords and never reads any secret back.
    workspaceManager = {
      title = "Control plane: manage workspace resources"
      permissions = [
        "secretmanager.secrets.get", "secretmanager.secrets.update", "secretmanager.secrets.delete",
        "secretmanager.versions.add", "secretmanager.versions.get", "secretmanager.versions.list",
        "secretmanager.versions.enable", "secretmanager.versions.disable", "secretmanager.versions.destroy",
        "storage.buckets.get", "storage.buckets.update", "storage.buckets.delete", "storage.objects.list",
        "storage.objects.get", "storage.objects.delete", "artifactregistry.repositories.get",
        "artifactregistry.repositories.update", "artifactregistry.repositories.delete",
      ]
    }
    # backupRuns and exports of the stack's instance (backups function).
    sqlBackups = {
      title = "Control plane: backups and exports"
      permissions = [
        "cloudsql.backupRuns.create", "cloudsql.backupRuns.get", "cloudsql.backupRuns.list", "cloudsql.backupRuns.delete",
        "cloudsql.instances.get", "cloudsql.instances.export", "cloudsql.databases.list",
      ]
    }
    # The recovery workflows on the stack's instance: clone (pitr-restore, restore-drill),
    # restoreBackup into a new instance (regional-restore), patch (labels, activation policy).
    sqlRecovery = {
      title = "Control plane: recovery workflows"
      permissions = [
        "cloudsql.instances.get", "cloudsql.instances.clone", "cloudsql.instances.update", "cloudsql.instances.restoreBackup",
        "cloudsql.backupRuns.get", "cloudsql.backupRuns.list", "cloudsql.databases.list",
      ]
    }
    # New instances: clones and restore targets.
    sqlCreator = {
      title       = "Control plane: create recovery instances"
      permissions = ["cloudsql.instances.create", "cloudsql.instances.list"]
    }
    # Deleting scratch instances; granted only on <instance>-drill-* names.
    sqlDrillCleanup = {
      title       = "Control plane: delete drill instances"
      permissions = ["cloudsql.instances.get", "cloudsql.instances.delete", "cloudsql.databases.list"]
    }
    # Budget scale-down of the dev instance (activationPolicy NEVER/ALWAYS).
    sqlActivation = {
      title       = "Control plane: start and stop the instance"
      permissions = ["cloudsql.instances.get", "cloudsql.instances.update"]
    }
    # bucket-restore: read noncurrent generations and rewrite them as live objects.
    bucketRestore = {
      title       = "Control plane: restore workspace buckets"
      permissions = ["storage.buckets.get", "storage.objects.list", "storage.objects.get", "storage.objects.create", "storage.objects.delete"]
    }
  }

  # Who holds which custom role, and under which condition (null: unconditioned).
  custom_role_grants = {
    "provisioning/sqlWorkspaces" = {
      member = google_service_account.functions["provisioning"].member, role = "sqlWorkspaces"
      title  = "stack instance only", expression = "resource.name == \"${local.instance_resource}\""
    }
    "provisioning/workspaceCreator" = {
      member = google_service_account.functions["provisioning"].member, role = "workspaceCreator", title = null, expression = null
    }
    "provisioning/workspaceManager" = {
      member = google_service_account.functions["provisioning"].member, role = "workspaceManager"
      title  = "ws-* resources only"
      expression = join(" || ", concat(
        [for p in local.workspace_secrets : "resource.name.startsWith(\"${p}\")"],
        ["resource.name.startsWith(\"${local.workspace_buckets}\")", "resource.name.startsWith(\"${local.workspace_repos}\")"],
      ))
    }
    "backups/sqlBackups" = {
      member = google_service_account.functions["backups"].member, role = "sqlBackups"
      title  = "stack instance only", expression = "resource.name == \"${local.instance_resource}\""
    }
    "backups/sqlDrillCleanup" = {
      member = google_service_account.functions["backups"].member, role = "sqlDrillCleanup"
      title  = "drill instances only", expression = "resource.name.startsWith(\"${local.drill_prefix}\")"
    }
    "budgets/sqlActivation" = {
      member = google_service_account.functions["budgets"].member, role = "sqlActivation"
      title  = "stack instance only", expression = "resource.name == \"${local.instance_resource}\""
    }
    "workflows/sqlRecovery" = {
      member = google_service_account.workflows.member, role = "sqlRecovery"
      title  = "stack instance and its clones", expression = "resource.name.startsWith(\"${local.instance_resource}\")"
    }
    "workflows/sqlCreator" = {
      member = google_service_account.workflows.member, role = "sqlCreator", title = null, expression = null
    }
    "workflows/sqlDrillCleanup" = {
      member = google_service_account.workflows.member, role = "sqlDrillCleanup"
      title  = "drill instances only", expression = "resource.name.startsWith(\"${local.drill_prefix}\")"
    }
    "workflows/bucketRestore" = {
      member = google_service_account.workflows.member, role = "bucketRestore"
      title  = "workspace buckets only", expression = "resource.name.startsWith(\"${local.workspace_buckets}\")"
    }
  }
}

resource "google_project_iam_custom_role" "control_plane" {
  for_each = local.custom_roles

  project     = var.project_id
  role_id     = "${local.role_prefix}_${each.key}"
  title       = each.value.title
  description = "Least-privilege role of the stack control plane (${var.name_prefix})."
  permissions = each.value.permissions
}

resource "google_project_iam_member" "custom_roles" {
  for_each = local.custom_role_grants

  project = var.project_id
  role    = google_project_iam_custom_role.control_plane[each.value.role].id
  member  = each.value.member

  dynamic "condition" {
    for_each = each.value.expression == null ? [] : [each.value]
    content {
      title      = condition.value.title
      expression = condition.value.expression
    }
  }
}

# The state store: every function reads and writes its own Firestore database only.
resource "google_project_iam_member" "functions_firestore" {
  for_each = local.functions

  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.functions[each.key].member

  condition {
    title      = "state store database only"
    expression = "resource.name == \"${local.firestore_resource}\""
  }
}

# Workflows: child executions (pitr-restore runs redeploy), call logs, and the drill's RTO and
# success metrics (restore-drill writes them).
resource "google_project_iam_member" "workflows" {
  for_each = toset(["roles/workflows.invoker", "roles/logging.logWriter", "roles/monitoring.metricWriter"])

  project = var.project_id
  role    = each.value
  member  = google_service_account.workflows.member
}

# The provisioning function verifies the final export it asked for on workspace delete.
resource "google_storage_bucket_iam_member" "provisioning_export_reader" {
  bucket = var.backup_bucket_name
  role   = "roles/storage.objectViewer"
  member = google_service_account.functions["provisioning"].member
}
