locals {
  workload_role_bindings = merge([
    for name, sa in var.workload_service_accounts : {
      for role in sa.roles : "${name}/${role}" => { name = name, role = role }
    }
  ]...)

  secret_accessor_bindings = merge([
    for secret, accessors in var.secret_accessors : {
      for accessor in accessors : "${secret}/${accessor}" => { secret = secret, accessor = accessor }
    }
  ]...)

  project_number = data.google_project.this.number

  # Service agents that encrypt with the CMEK keys, by key. The Cloud Storage agent is read
  # through its own data source; the GKE and Pub/Sub agents have fixed, documented names.
  key_users = {
    cloudsql            = "serviceAccount:${google_project_service_identity.agents["sqladmin.googleapis.com"].email}"
    "artifact-registry" = "serviceAccount:${google_project_service_identity.agents["artifactregistry.googleapis.com"].email}"
    secrets             = "serviceAccount:${google_project_service_identity.agents["secretmanager.googleapis.com"].email}"
    storage             = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
    gke                 = "serviceAccount:service-${local.project_number}@container-engine-robot.iam.gserviceaccount.com"
    pubsub              = "serviceAccount:${google_project_service_identity.agents["pubsub.googleapis.com"].email}"
  }

  # prevent_destroy cannot depend on a variable, so each key exists in one of two resources:
  # protected (prod) or disposable (dev). Both rotate and are granted the same way.
  key_ids = merge(
    { for name, key in google_kms_crypto_key.protected : name => key.id },
    { for name, key in google_kms_crypto_key.disposable : name => key.id },
  )
  backup_key_ids = merge(
    { for name, key in google_kms_crypto_key.backup_protected : name => key.id },
    { for name, key in google_kms_crypto_key.backup_disposable : name => key.id },
  )
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_kms_key_ring" "this" {
  project  = var.project_id
  name     = "${var.name_prefix}-keyring"
  location = var.region
}

# CMEK keys must be in the location of what they protect: the exports bucket and the
# cross-region replica live in the backup region.
resource "google_kms_key_ring" "backup" {
  project  = var.project_id
  name     = "${var.name_prefix}-backup-keyring"
  location = var.backup_region
}

resource "google_kms_crypto_key" "protected" {
  for_each = var.deletion_protection ? toset(var.kms_key_names) : toset([])

  name                       = each.key
  key_ring                   = google_kms_key_ring.this.id
  rotation_period            = var.key_rotation_period
  destroy_scheduled_duration = var.key_destroy_scheduled_duration
  purpose                    = "ENCRYPT_DECRYPT"
  labels                     = var.labels

  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = "SOFTWARE"
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key" "disposable" {
  for_each = var.deletion_protection ? toset([]) : toset(var.kms_key_names)

  name                       = each.key
  key_ring                   = google_kms_key_ring.this.id
  rotation_period            = var.key_rotation_period
  destroy_scheduled_duration = var.key_destroy_scheduled_duration
  purpose                    = "ENCRYPT_DECRYPT"
  labels                     = var.labels

  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = "SOFTWARE"
  }
}

resource "google_kms_crypto_key" "backup_protected" {
  for_each = var.deletion_protection ? toset(var.backup_kms_key_names) : toset([])

  name                       = each.key
  key_ring                   = google_kms_key_ring.backup.id
  rotation_period            = var.key_rotation_period
  destroy_scheduled_duration = var.key_destroy_scheduled_duration
  purpose                    = "ENCRYPT_DECRYPT"
  labels                     = var.labels

  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = "SOFTWARE"
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "google_kms_crypto_key" "backup_disposable" {
  for_each = var.deletion_protection ? toset([]) : toset(var.backup_kms_key_names)

  name                       = each.key
  key_ring                   = google_kms_key_ring.backup.id
  rotation_period            = var.key_rotation_period
  destroy_scheduled_duration = var.key_destroy_scheduled_duration
  purpose                    = "ENCRYPT_DECRYPT"
  labels                     = var.labels

  version_template {
    algorithm        = "GOOGLE_SYMMETRIC_ENCRYPTION"
    protection_level = "SOFTWARE"
  }
}

resource "google_project_service_identity" "agents" {
  provider = google-beta
  for_each = toset(["sqladmin.googleapis.com", "artifactregistry.googleapis.com", "secretmanager.googleapis.com", "pubsub.googleapis.com"])

  project = var.project_id
  service = each.key
}

data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

resource "google_kms_crypto_key_iam_member" "service_agents" {
  for_each = { for key, member in local.key_users : key => member if contains(var.kms_key_names, key) }

  crypto_key_id = local.key_ids[each.key]
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = each.value
}

resource "google_kms_crypto_key_iam_member" "backup_service_agents" {
  for_each = { for key, member in local.key_users : key => member if contains(var.backup_kms_key_names, key) }

  crypto_key_id = local.backup_key_ids[each.key]
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = each.value
}

resource "google_service_account" "workloads" {
  for_each = var.workload_service_accounts

  project      = var.project_id
  account_id   = "${var.name_prefix}-${each.key}"
  display_name = "${each.key} workload (${var.name_prefix})"
  description  = "Google identity of the ${each.value.kubernetes_service_account} Kubernetes service account."
}

resource "google_project_iam_member" "workloads" {
  for_each = local.workload_role_bindings

  project = var.project_id
  role    = each.value.role
  member  = google_service_account.workloads[each.value.name].member
}

resource "google_service_account_iam_member" "workload_identity" {
  for_each = var.workload_service_accounts

  service_account_id = google_service_account.workloads[each.key].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[${var.kubernetes_namespace}/${each.value.kubernetes_service_account}]"
}

resource "google_secret_manager_secret" "this" {
  for_each = toset(var.secret_ids)

  project   = var.project_id
  secret_id = each.key
  labels    = var.labels

  replication {
    user_managed {
      replicas {
        location = var.region

        dynamic "customer_managed_encryption" {
          for_each = contains(var.kms_key_names, "secrets") ? [local.key_ids["secrets"]] : []
          content {
            kms_key_name = customer_managed_encryption.value
          }
        }
      }
    }
  }

  depends_on = [google_kms_crypto_key_iam_member.service_agents]
}

resource "google_secret_manager_secret_iam_member" "accessors" {
  for_each = local.secret_accessor_bindings

  project   = var.project_id
  secret_id = google_secret_manager_secret.this[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.workloads[each.value.accessor].member
}
