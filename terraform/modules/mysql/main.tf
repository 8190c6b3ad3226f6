resource "random_password" "root" {
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
      }
    }
  }
}

# The generated value exists only in Terraform state (keep the state bucket private and
# encrypted) and in Secret Manager; nothing else reads it from Terraform.
resource "google_secret_manager_secret_version" "root_password" {
  secret      = google_secret_manager_secret.root_password.id
  secret_data = random_password.root.result
}

resource "google_sql_database_instance" "this" {
  project             = var.project_id
  name                = var.instance_name
  region              = var.region
  database_version    = var.database_version
  encryption_key_name = var.kms_key_id
  root_password       = random_password.root.result
  deletion_protection = var.deletion_protection

  settings {
    edition                     = "ENTERPRISE"
    tier                        = var.tier
    availability_type           = var.availability_type
    disk_type                   = "PD_SSD"
    disk_size                   = var.disk_size_gb
    disk_autoresize             = true
    deletion_protection_enabled = var.deletion_protection
    user_labels                 = var.labels

    ip_configuration {
      ipv4_enabled                                  = false
      private_network                               = var.network_id
      ssl_mode                                      = "ENCRYPTED_ONLY"
      enable_private_path_for_google_cloud_services = true
    }

    # On MySQL, point-in-time recovery is the binary log: point_in_time_recovery_enabled is
    # the PostgreSQL/SQL Server switch, so binary_log_enabled carries it here.
    backup_configuration {
      enabled                        = true
      binary_log_enabled             = true
      start_time                     = var.backup_start_time
      location                       = var.region
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
    precondition {
      condition     = var.retained_backups > var.transaction_log_retention_days
      error_message = "retained_backups must be greater than transaction_log_retention_days, or the oldest part of the recovery window has no base backup."
    }
  }
}
