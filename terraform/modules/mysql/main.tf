# The root password is ephemeral: generated during the apply that creates the instance, sent to
# Cloud SQL and to Secret Manager through write-only arguments, and never written to the plan or
# the state. Bump root_password_version to rotate it.
ephemeral "random_password" "root" {
  length           = var.root_password_length
  special          = true
  override_special = "-_.~"
}

resource "google_secret_manager_secret" "root_password" {
  project   = var.project_id
  secret_id = "${var.instance_name}-root-password"
  labels    = var.labels

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

resource "google_secret_manager_secret_version" "root_password" {
  secret                 = google_secret_manager_secret.root_password.id
  secret_data_wo         = ephemeral.random_password.root.result
  secret_data_wo_version = var.root_password_version
}

resource "google_sql_database_instance" "this" {
  project                  = var.project_id
  name                     = var.instance_name
  region                   = var.region
  database_version         = var.database_version
  encryption_key_name      = var.kms_key_id
  root_password_wo         = ephemeral.random_password.root.result
  root_password_wo_version = var.root_password_version
  deletion_protection      = var.deletion_protection
  final_backup_description = "Final backup of ${var.instance_name}, taken when the instance was deleted."

  settings {
    edition                     = "ENTERPRISE"
    tier                        = var.tier
    availability_type           = var.availability_type
    disk_type                   = "PD_SSD"
    disk_size                   = var.disk_size_gb
    disk_autoresize             = true
    deletion_protection_enabled = var.deletion_protection
    user_labels                 = var.labels
    # Deleting the instance (also by mistake, also in dev) keeps its backups and takes a final one.
    retain_backups_on_delete = true

    final_backup_config {
      enabled        = true
      retention_days = var.final_backup_retention_days
    }

    dynamic "location_preference" {
      for_each = length(var.zones) > 0 ? [var.zones] : []
      content {
        zone           = location_preference.value[0]
        secondary_zone = var.availability_type == "REGIONAL" && length(location_preference.value) > 1 ? location_preference.value[1] : null
      }
    }

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = var.network_id
      ssl_mode                                      = "ENCRYPTED_ONLY"
      enable_private_path_for_google_cloud_services = true
    }

    # On MySQL, point-in-time recovery is the binary log: point_in_time_recovery_enabled is
    # the PostgreSQL/SQL Server switch, so binary_log_enabled carries it here. Backups are
    # stored in the backup region so they survive the loss of the primary region.
    backup_configuration {
      enabled                        = true
      binary_log_enabled             = true
      start_time                     = var.backup_start_time
      location                       = var.backup_region
      transaction_log_retention_days = var.transaction_log_retention_days

      backup_retention_settings {
        retained_backups = var.retained_backups
        retention_unit   = "COUNT"
      }
    }

    maintenance_window {
      day          = var.maintenance_window.day
      hour         = var.maintenance_window.hour
      update_track = "stable"
    }

    insights_config {
      query_insights_enabled  = true
      record_application_tags = true
      record_client_address   = false
    }

    database_flags {
      name  = "require_secure_transport"
      value = "on"
    }
  }

  lifecycle {
    # Storage auto-increase grows the disk; without this every later plan would try to
    # shrink it back to disk_size_gb, which Cloud SQL refuses.
    ignore_changes = [settings[0].disk_size]

    precondition {
      condition     = var.retained_backups > var.transaction_log_retention_days
      error_message = "retained_backups must be greater than transaction_log_retention_days, or the oldest part of the recovery window has no base backup."
    }
  }
}

# A read replica in the backup region: the regional restore promotes it (seconds of data loss)
# instead of restoring the newest backup (up to a day).
resource "google_sql_database_instance" "replica" {
  count = var.enable_cross_region_replica ? 1 : 0

  project              = var.project_id
  name                 = "${var.instance_name}-replica"
  region               = var.backup_region
  database_version     = var.database_version
  master_instance_name = google_sql_database_instance.this.name
  encryption_key_name  = var.replica_kms_key_id
  deletion_protection  = var.deletion_protection

  replica_configuration {
    failover_target = false
  }

  settings {
    edition                     = "ENTERPRISE"
    tier                        = var.tier
    availability_type           = "ZONAL"
    disk_type                   = "PD_SSD"
    disk_size                   = var.disk_size_gb
    disk_autoresize             = true
    deletion_protection_enabled = var.deletion_protection
    user_labels                 = merge(var.labels, { role = "cross-region-replica" })

    ip_configuration {
      ipv4_enabled    = false
      private_network = var.network_id
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    database_flags {
      name  = "require_secure_transport"
      value = "on"
    }
  }

  lifecycle {
    ignore_changes = [settings[0].disk_size]

    precondition {
      condition     = var.replica_kms_key_id != ""
      error_message = "enable_cross_region_replica needs replica_kms_key_id: a key in the backup region (CMEK keys must be where the instance is)."
    }
  }
}
