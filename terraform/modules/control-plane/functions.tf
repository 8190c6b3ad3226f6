resource "google_storage_bucket" "sources" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-cp-sources"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = true
  labels                      = local.labels

  encryption {
    default_kms_key_name = var.storage_kms_key_id
  }

  # Old archives are only needed for a rollback shortly after a deploy.
  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }
}

# The object name carries the archive's SHA-256: a new build is a new object, which is
# what makes Terraform redeploy the functions (a fixed name would never change the plan).
resource "google_storage_bucket_object" "functions_archive" {
  name         = "functions-${filesha256(var.functions_archive_path)}.zip"
  bucket       = google_storage_bucket.sources.name
  source       = var.functions_archive_path
  content_type = "application/zip"
}

resource "google_storage_bucket" "reports" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-cp-reports"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  labels                      = merge(local.labels, { purpose = "cost-reports" })

  versioning {
    enabled = true
  }

  encryption {
    default_kms_key_name = var.storage_kms_key_id
  }

  # Reports are regenerated on schedule; old generations only need to outlive a review.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 30
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }
}

# The cost report writes its outputs and may replace them when a slot is rerun (an overwrite
# needs delete); objectUser is that, without any IAM permission on the bucket.
resource "google_storage_bucket_iam_member" "report_writer" {
  bucket = google_storage_bucket.reports.name
  role   = "roles/storage.objectUser"
  member = google_service_account.functions["costReports"].member
}

resource "google_storage_bucket_iam_member" "backup_exporter" {
  bucket = var.backup_bucket_name
  role   = "roles/storage.objectAdmin"
  member = google_service_account.functions["backups"].member
}

# An export is written by the Cloud SQL instance's service agent, not by the caller.
resource "google_storage_bucket_iam_member" "sql_exporter" {
  bucket = var.backup_bucket_name
  role   = "roles/storage.objectCreator"
  member = "serviceAccount:${var.sql_service_account_email}"
}

resource "google_storage_bucket_iam_member" "builder_source_reader" {
  bucket = google_storage_bucket.sources.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.builder.member
}

# Names and formats are those of shared/runtime/config.ts (validated there at start-up).
locals {
  function_env = merge(
    {
      STACKCTL_MODE           = "production"
      GOOGLE_CLOUD_PROJECT    = var.project_id
      STACKCTL_REGION         = var.region
      STACKCTL_STATE_STORE    = "firestore"
      FIRESTORE_DATABASE      = google_firestore_database.state.name
      STACKCTL_SQL_INSTANCE   = var.sql_instance_name
      STACKCTL_BACKUP_BUCKET  = var.backup_bucket_name
      STACKCTL_BACKUP_REGION  = var.backup_region
      STACKCTL_REPORTS_BUCKET = google_storage_bucket.reports.name
      STACKCTL_ENVIRONMENT    = var.environment
      # CMEK keys the provisioning flow puts on the buckets, repositories and secrets it creates.
      STACKCTL_KMS_KEY_STORAGE  = var.storage_kms_key_id
      STACKCTL_KMS_KEY_SECRETS  = var.secrets_kms_key_id
      STACKCTL_KMS_KEY_REGISTRY = var.registry_kms_key_id
      LOG_LEVEL                 = var.log_level
      LOG_EXECUTION_ID          = "true"
    },
    var.argocd_url == "" ? {} : { STACKCTL_ARGOCD_URL = var.argocd_url },
    var.function_env,
  )
}

resource "google_cloudfunctions2_function" "this" {
  for_each = local.functions

  project     = var.project_id
  location    = var.region
  name        = each.value.name
  description = each.value.description
  labels      = merge(local.labels, { flow = lower(each.key) })

  build_config {
    runtime         = "nodejs20"
    entry_point     = each.value.entry_point
    service_account = google_service_account.builder.id

    source {
      storage_source {
        bucket = google_storage_bucket.sources.name
        object = google_storage_bucket_object.functions_archive.name
      }
    }
  }

  service_config {
    min_instance_count             = 0
    max_instance_count             = var.function_max_instances
    available_memory               = var.function_memory
    timeout_seconds                = var.function_timeout_seconds
    ingress_settings               = "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true
    service_account_email          = google_service_account.functions[each.key].email
    environment_variables          = merge(local.function_env, { STACKCTL_FUNCTION = each.value.entry_point })
  }

  depends_on = [
    google_project_iam_member.builder,
    google_storage_bucket_iam_member.builder_source_reader,
  ]
}

resource "google_cloud_run_v2_service_iam_member" "push_invoker" {
  for_each = local.functions

  project  = var.project_id
  location = var.region
  name     = google_cloudfunctions2_function.this[each.key].name
  role     = "roles/run.invoker"
  member   = google_service_account.push_invoker.member
}
