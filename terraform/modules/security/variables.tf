variable "project_id" {
  type        = string
  description = "ID of the project."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid Google Cloud project ID."
  }
}

variable "region" {
  type        = string
  description = "Region of the KMS key ring; CMEK keys must live in the region of the resources they protect."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-west1."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,16}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold 2-17 lowercase letters, digits or hyphens (service account ids are <name_prefix>-<key>, at most 30 characters)."
  }
}

variable "backup_region" {
  type        = string
  description = "Region of the second key ring, for the CMEK keys of the exports bucket and the cross-region replica."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.backup_region)) && var.backup_region != var.region
    error_message = "backup_region must be a region other than region."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Keys get lifecycle.prevent_destroy (prod). Without it (dev) terraform destroy schedules the key versions for destruction after key_destroy_scheduled_duration."
  default     = true
}

variable "key_destroy_scheduled_duration" {
  type        = string
  description = "How long a destroyed key version stays recoverable (seconds with an s suffix, 1-120 days; default 30 days)."
  default     = "2592000s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.key_destroy_scheduled_duration)) && tonumber(trimsuffix(var.key_destroy_scheduled_duration, "s")) >= 86400 && tonumber(trimsuffix(var.key_destroy_scheduled_duration, "s")) <= 10368000
    error_message = "key_destroy_scheduled_duration must be between 86400s (1 day) and 10368000s (120 days)."
  }
}

variable "key_rotation_period" {
  type        = string
  description = "Rotation period of every KMS key, in seconds with an s suffix (e.g. 7776000s = 90 days)."
  default     = "7776000s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.key_rotation_period)) && tonumber(trimsuffix(var.key_rotation_period, "s")) >= 86400
    error_message = "key_rotation_period must be a number of seconds with an s suffix, at least 86400s (one day)."
  }
}

variable "kms_key_names" {
  type        = list(string)
  description = "Keys to create in the primary key ring: Cloud SQL, buckets, Artifact Registry, secrets, GKE application-layer secrets encryption and Pub/Sub topics."
  default     = ["cloudsql", "storage", "artifact-registry", "secrets", "gke", "pubsub"]

  validation {
    condition     = length(setsubtract(["cloudsql", "storage", "artifact-registry", "secrets", "gke", "pubsub"], var.kms_key_names)) == 0
    error_message = "kms_key_names must include cloudsql, storage, artifact-registry, secrets, gke and pubsub (the other modules encrypt with them)."
  }
}

variable "backup_kms_key_names" {
  type        = list(string)
  description = "Keys to create in the backup-region key ring: cloudsql (cross-region replica) and storage (exports bucket)."
  default     = ["cloudsql", "storage"]

  validation {
    condition     = length(setsubtract(["cloudsql", "storage"], var.backup_kms_key_names)) == 0
    error_message = "backup_kms_key_names must include cloudsql and storage."
  }
}

variable "kubernetes_namespace" {
  type        = string
  description = "Kubernetes namespace of the ZenML and MLflow workloads."
  default     = "zenml"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.kubernetes_namespace))
    error_message = "kubernetes_namespace must be a valid DNS-1123 label."
  }
}

variable "workload_service_accounts" {
  type = map(object({
    kubernetes_service_account = string
    roles                      = list(string)
  }))
  description = "Google service accounts for the cluster workloads, each bound to one Kubernetes service account through Workload Identity, with the project roles it needs."
  default = {
    zenml = {
      kubernetes_service_account = "zenml-server"
      roles                      = ["roles/cloudsql.client", "roles/logging.logWriter", "roles/monitoring.metricWriter"]
    }
    mlflow = {
      kubernetes_service_account = "mlflow-server"
      roles                      = ["roles/cloudsql.client", "roles/logging.logWriter"]
    }
  }

  validation {
    condition = alltrue([
      for sa in values(var.workload_service_accounts) : alltrue([
        for role in sa.roles : startswith(role, "roles/") && !contains(["roles/owner", "roles/editor", "roles/viewer"], role)
      ])
    ])
    error_message = "Workload roles must be predefined roles (roles/...) and never the primitive roles owner, editor or viewer."
  }
}

variable "secret_ids" {
  type        = list(string)
  description = "Secret Manager secrets to create, named as the code and the workflows read them (values are added out of band, never through Terraform). zenml-db-connection is the apps' database connection that pitr-restore repoints."
  default     = ["zenml-db-connection", "mlflow-db-connection", "zenml-server-jwt-secret", "mlflow-tracking-password"]

  validation {
    condition     = alltrue([for s in var.secret_ids : can(regex("^[A-Za-z0-9_-]{1,255}$", s))])
    error_message = "secret_ids may only hold letters, digits, underscores and hyphens (1-255 characters)."
  }
}

variable "secret_accessors" {
  type        = map(list(string))
  description = "For each secret id, the workload service account keys (of workload_service_accounts) that may read it."
  default = {
    zenml-db-connection      = ["zenml"]
    mlflow-db-connection     = ["mlflow"]
    zenml-server-jwt-secret  = ["zenml"]
    mlflow-tracking-password = ["mlflow"]
  }

  validation {
    condition     = alltrue([for s, accessors in var.secret_accessors : contains(var.secret_ids, s) && alltrue([for a in accessors : contains(keys(var.workload_service_accounts), a)])])
    error_message = "secret_accessors keys must be listed in secret_ids and its values must be keys of workload_service_accounts."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels applied to keys and secrets."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must start with a lowercase letter; keys and values may hold lowercase letters, digits, _ and - (at most 63 characters)."
  }
}
