resource "google_storage_bucket" "artifacts" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-artifacts"
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  labels                      = var.labels

  versioning {
    enabled = true
  }

  encryption {
    default_kms_key_name = var.storage_kms_key_id
  }

  lifecycle_rule {
    condition {
      age                   = var.artifact_nearline_after_days
      matches_storage_class = ["STANDARD"]
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }

  lifecycle_rule {
    condition {
      num_newer_versions = var.artifact_noncurrent_versions_kept
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.artifact_noncurrent_delete_after_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }
}

# The exports bucket lives in the backup region: exports, final workspace dumps and the
# regional restore's inputs survive the loss of the primary region. Cloud Storage refuses a
# bucket retention policy together with Object Versioning, so retention here is: versioning
# (an overwrite or delete keeps the old generation), soft delete for the same period (up to
# the 90 days GCS allows), noncurrent generations deleted after backup_retention_days, and
# optionally Object Retention Lock for per-object WORM holds (prod).
resource "google_storage_bucket" "backups" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name_prefix}-backups"
  location                    = var.backup_region
  storage_class               = "NEARLINE"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.force_destroy
  enable_object_retention     = var.lock_backup_retention
  labels                      = merge(var.labels, { purpose = "backups" })

  versioning {
    enabled = true
  }

  encryption {
    default_kms_key_name = var.backup_kms_key_id
  }

  soft_delete_policy {
    retention_duration_seconds = min(max(var.backup_retention_days, 7), 90) * 86400
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.backup_retention_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age        = var.backup_delete_after_days
      with_state = "LIVE"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle {
    precondition {
      condition     = var.backup_delete_after_days >= var.backup_retention_days
      error_message = "backup_delete_after_days must not be shorter than backup_retention_days."
    }
  }
}

resource "google_artifact_registry_repository" "docker" {
  project       = var.project_id
  location      = var.region
  repository_id = "${var.name_prefix}-images"
  description   = "Container images of the ZenML stack and pipeline steps."
  format        = "DOCKER"
  kms_key_name  = var.registry_kms_key_id
  labels        = var.labels

  docker_config {
    immutable_tags = false
  }

  cleanup_policies {
    id     = "delete-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "${var.registry_untagged_delete_after_days * 86400}s"
    }
  }
}

resource "google_storage_bucket_iam_member" "artifact_users" {
  for_each = var.artifact_users

  bucket = google_storage_bucket.artifacts.name
  role   = "roles/storage.objectAdmin"
  member = each.value
}

resource "google_artifact_registry_repository_iam_member" "artifact_users" {
  for_each = var.artifact_users

  project    = var.project_id
  location   = var.region
  repository = google_artifact_registry_repository.docker.name
  role       = "roles/artifactregistry.writer"
  member     = each.value
}
