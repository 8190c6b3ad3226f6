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
  description = "Region of the instance."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-west1."
  }
}

variable "backup_region" {
  type        = string
  description = "Region the automated and on-demand backups are stored in (and of the optional replica); not the instance's region."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.backup_region)) && var.backup_region != var.region
    error_message = "backup_region must be a region other than region."
  }
}

variable "zones" {
  type        = list(string)
  description = "Zones of region: the first is the instance's zone, the second the standby's (REGIONAL). Empty: Cloud SQL chooses."
  default     = []

  validation {
    condition     = alltrue([for z in var.zones : startswith(z, "${var.region}-")])
    error_message = "zones must be zones of region."
  }
}

variable "secrets_kms_key_id" {
  type        = string
  description = "CMEK key of the root-password secret (security module output kms_key_ids[\"secrets\"])."

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.secrets_kms_key_id))
    error_message = "secrets_kms_key_id must be a full KMS key ID."
  }
}

variable "replica_kms_key_id" {
  type        = string
  description = "CMEK key in backup_region for the cross-region replica (security module output backup_kms_key_ids[\"cloudsql\"]); empty when there is no replica."
  default     = ""

  validation {
    condition     = var.replica_kms_key_id == "" || can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.replica_kms_key_id))
    error_message = "replica_kms_key_id must be empty or a full KMS key ID."
  }
}

variable "enable_cross_region_replica" {
  type        = bool
  description = "Create a read replica in backup_region."
  default     = false
}

variable "final_backup_retention_days" {
  type        = number
  description = "Days the final backup taken at deletion is kept (1-365)."
  default     = 30

  validation {
    condition     = var.final_backup_retention_days >= 1 && var.final_backup_retention_days <= 365
    error_message = "final_backup_retention_days must be between 1 and 365."
  }
}

variable "root_password_version" {
  type        = number
  description = "Version of the write-only root password; increase it to generate and set a new one."
  default     = 1

  validation {
    condition     = var.root_password_version >= 1 && floor(var.root_password_version) == var.root_password_version
    error_message = "root_password_version must be a whole number >= 1."
  }
}

variable "app_databases" {
  type        = map(string)
  description = "Database (and user of the same name) per app, with the Secret Manager secret ID that receives its connection JSON, e.g. { zenml = projects/P/secrets/zenml-db-connection }."
  default     = {}

  validation {
    condition     = alltrue([for db, secret in var.app_databases : can(regex("^[a-z][a-z0-9_]{0,31}$", db)) && can(regex("^projects/[^/]+/secrets/[A-Za-z0-9_-]+$", secret))])
    error_message = "app_databases keys must be MySQL database names and values secret IDs (projects/P/secrets/S)."
  }
}

variable "instance_name" {
  type        = string
  description = "Name of the Cloud SQL instance (the control plane's backups and restores address it by this name)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,96}$", var.instance_name))
    error_message = "instance_name must start with a lowercase letter and hold lowercase letters, digits or hyphens (at most 97 characters)."
  }
}

variable "database_version" {
  type        = string
  description = "MySQL major version."
  default     = "MYSQL_8_0"

  validation {
    condition     = startswith(var.database_version, "MYSQL_8_0")
    error_message = "database_version must be a MySQL 8.0 version (MYSQL_8_0 or MYSQL_8_0_xx)."
  }
}

variable "tier" {
  type        = string
  description = "Machine tier."
  default     = "db-n1-standard-2"

  validation {
    condition     = can(regex("^db-(n1|custom|g1|f1|e2|n2|perf-optimized)", var.tier))
    error_message = "tier must be a Cloud SQL machine tier such as db-n1-standard-2."
  }
}

variable "disk_size_gb" {
  type        = number
  description = "Initial SSD size in GB (storage auto-increase grows it)."
  default     = 20

  validation {
    condition     = var.disk_size_gb >= 10 && var.disk_size_gb <= 65536 && floor(var.disk_size_gb) == var.disk_size_gb
    error_message = "disk_size_gb must be a whole number between 10 and 65536."
  }
}

variable "availability_type" {
  type        = string
  description = "ZONAL (single zone) or REGIONAL (high availability with a standby)."

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.availability_type)
    error_message = "availability_type must be ZONAL or REGIONAL."
  }
}

variable "network_id" {
  type        = string
  description = "ID of the VPC network with Private Service Access."

  validation {
    condition     = can(regex("^projects/[^/]+/global/networks/[^/]+$", var.network_id))
    error_message = "network_id must look like projects/P/global/networks/N (vpc module output network_id)."
  }
}

variable "kms_key_id" {
  type        = string
  description = "CMEK key for the instance (security module output kms_key_ids[\"cloudsql\"])."

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_id))
    error_message = "kms_key_id must be a full KMS key ID: projects/P/locations/L/keyRings/R/cryptoKeys/K."
  }
}

variable "backup_start_time" {
  type        = string
  description = "UTC start time (HH:MM) of the daily automated backup; its window lasts 4 hours."
  default     = "02:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]$", var.backup_start_time))
    error_message = "backup_start_time must be HH:MM in 24-hour UTC time."
  }
}

variable "transaction_log_retention_days" {
  type        = number
  description = "Days of binary logs kept for point-in-time recovery (1-7)."
  default     = 7

  validation {
    condition     = var.transaction_log_retention_days >= 1 && var.transaction_log_retention_days <= 7
    error_message = "transaction_log_retention_days must be between 1 and 7."
  }
}

variable "retained_backups" {
  type        = number
  description = "Number of automated backups kept; must exceed transaction_log_retention_days so the whole PITR window has a base backup."
  default     = 14

  validation {
    condition     = var.retained_backups >= 2 && var.retained_backups <= 365
    error_message = "retained_backups must be between 2 and 365."
  }
}

variable "maintenance_window" {
  type = object({
    day  = number
    hour = number
  })
  description = "Weekly maintenance window: day 1 (Monday) to 7 (Sunday), hour 0-23 UTC."
  default     = { day = 7, hour = 3 }

  validation {
    condition     = var.maintenance_window.day >= 1 && var.maintenance_window.day <= 7 && var.maintenance_window.hour >= 0 && var.maintenance_window.hour <= 23
    error_message = "maintenance_window.day must be 1-7 and maintenance_window.hour 0-23."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to delete the instance, both in Terraform and in the Cloud SQL API."
  default     = true
}

variable "root_password_length" {
  type        = number
  description = "Length of the generated root password."
  default     = 32

  validation {
    condition     = var.root_password_length >= 20 && var.root_password_length <= 64
    error_message = "root_password_length must be between 20 and 64."
  }
}

variable "labels" {
  type        = map(string)
  description = "User labels of the instance and the secret."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must start with a lowercase letter; keys and values may hold lowercase letters, digits, _ and - (at most 63 characters)."
  }
}
