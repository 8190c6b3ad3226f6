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
  description = "Location of the buckets and the Artifact Registry repository."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-west1."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name; bucket names also get the project ID for global uniqueness."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,16}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold 2-17 lowercase letters, digits or hyphens."
  }
}

variable "storage_kms_key_id" {
  type        = string
  description = "CMEK key of the buckets."

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.storage_kms_key_id))
    error_message = "storage_kms_key_id must be a full KMS key ID."
  }
}

variable "backup_region" {
  type        = string
  description = "Region of the exports bucket (not region: backups must outlive the primary region)."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.backup_region)) && var.backup_region != var.region
    error_message = "backup_region must be a region other than region."
  }
}

variable "backup_kms_key_id" {
  type        = string
  description = "CMEK key of the exports bucket, in backup_region (security module output backup_kms_key_ids[\"storage\"])."

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.backup_kms_key_id))
    error_message = "backup_kms_key_id must be a full KMS key ID."
  }
}

variable "registry_kms_key_id" {
  type        = string
  description = "CMEK key of the Artifact Registry repository."

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.registry_kms_key_id))
    error_message = "registry_kms_key_id must be a full KMS key ID."
  }
}

variable "artifact_nearline_after_days" {
  type        = number
  description = "Age in days after which artifacts move to the NEARLINE storage class."
  default     = 30

  validation {
    condition     = var.artifact_nearline_after_days >= 1
    error_message = "artifact_nearline_after_days must be at least 1."
  }
}

variable "artifact_noncurrent_versions_kept" {
  type        = number
  description = "Noncurrent versions of an artifact kept before older ones are deleted."
  default     = 3

  validation {
    condition     = var.artifact_noncurrent_versions_kept >= 1 && var.artifact_noncurrent_versions_kept <= 100
    error_message = "artifact_noncurrent_versions_kept must be between 1 and 100."
  }
}

variable "artifact_noncurrent_delete_after_days" {
  type        = number
  description = "Days after which a noncurrent artifact version is deleted."
  default     = 30

  validation {
    condition     = var.artifact_noncurrent_delete_after_days >= 1
    error_message = "artifact_noncurrent_delete_after_days must be at least 1."
  }
}

variable "backup_retention_days" {
  type        = number
  description = "Days a replaced or deleted export stays recoverable (noncurrent generations and soft delete)."
  default     = 30

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 3650
    error_message = "backup_retention_days must be between 1 and 3650."
  }
}

variable "backup_delete_after_days" {
  type        = number
  description = "Age in days after which backup exports are deleted; must not be shorter than backup_retention_days."
  default     = 90

  validation {
    condition     = var.backup_delete_after_days >= 1
    error_message = "backup_delete_after_days must be at least 1."
  }
}

variable "lock_backup_retention" {
  type        = bool
  description = "Enable Object Retention Lock on the exports bucket, so exports can carry a retain-until hold (prod; a held object blocks the bucket's deletion)."
  default     = false
}

variable "force_destroy" {
  type        = bool
  description = "Allow Terraform to delete non-empty buckets (only for throwaway environments)."
  default     = false
}

variable "registry_untagged_delete_after_days" {
  type        = number
  description = "Untagged container images older than this are deleted by the repository cleanup policy."
  default     = 14

  validation {
    condition     = var.registry_untagged_delete_after_days >= 1
    error_message = "registry_untagged_delete_after_days must be at least 1."
  }
}

variable "artifact_users" {
  type        = map(string)
  description = "IAM members (by a static key) that read and write the artifact bucket and push/pull images."
  default     = {}

  validation {
    condition     = alltrue([for m in values(var.artifact_users) : can(regex("^(serviceAccount|group|user):", m))])
    error_message = "artifact_users values must be IAM members such as serviceAccount:x@p.iam.gserviceaccount.com."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels applied to buckets and the repository."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must start with a lowercase letter; keys and values may hold lowercase letters, digits, _ and - (at most 63 characters)."
  }
}
