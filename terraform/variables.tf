variable "project_id" {
  type        = string
  description = "ID of the Google Cloud project the whole stack is deployed to."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid Google Cloud project ID (6-30 lowercase letters, digits or hyphens)."
  }
}

variable "region" {
  type        = string
  description = "Region of every regional resource."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-west1."
  }
}

variable "environment" {
  type        = string
  description = "Environment name; part of every resource name and label."

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "name_prefix" {
  type        = string
  description = "Short name of the stack; resource names are <name_prefix>-<environment>-..."
  default     = "zenml"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,14}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold 2-15 lowercase letters, digits or hyphens."
  }
}

variable "labels" {
  type        = map(string)
  description = "Extra labels applied to every labelable resource."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must start with a lowercase letter; keys and values may hold lowercase letters, digits, _ and - (at most 63 characters)."
  }
}

variable "private_subnet_cidr" {
  type        = string
  description = "RFC 1918 range of the GKE node subnet."
  default     = "10.0.16.0/20"

  validation {
    condition     = can(cidrhost(var.private_subnet_cidr, 0)) && can(regex("^(10\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|192\\.168\\.)", var.private_subnet_cidr))
    error_message = "private_subnet_cidr must be a CIDR block inside an RFC 1918 range."
  }
}

variable "public_subnet_cidr" {
  type        = string
  description = "RFC 1918 range of the public (load balancer) subnet."
  default     = "10.0.0.0/24"

  validation {
    condition     = can(cidrhost(var.public_subnet_cidr, 0)) && can(regex("^(10\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|192\\.168\\.)", var.public_subnet_cidr))
    error_message = "public_subnet_cidr must be a CIDR block inside an RFC 1918 range."
  }
}

variable "gke_master_authorized_networks" {
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  description = "Networks allowed to reach the GKE control plane endpoint."
  default     = []

  validation {
    condition     = alltrue([for n in var.gke_master_authorized_networks : can(cidrhost(n.cidr_block, 0)) && n.cidr_block != "0.0.0.0/0"])
    error_message = "Every cidr_block must be a valid CIDR block, and 0.0.0.0/0 is not allowed."
  }
}

variable "gke_release_channel" {
  type        = string
  description = "GKE release channel: RAPID, REGULAR or STABLE."
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.gke_release_channel)
    error_message = "gke_release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "gke_enable_private_endpoint" {
  type        = bool
  description = "Give the GKE control plane no public endpoint at all."
  default     = false
}

variable "mysql_tier" {
  type        = string
  description = "Cloud SQL machine tier."
  default     = "db-n1-standard-2"

  validation {
    condition     = can(regex("^db-(n1|custom|g1|f1|e2|n2|perf-optimized)", var.mysql_tier))
    error_message = "mysql_tier must be a Cloud SQL machine tier such as db-n1-standard-2."
  }
}

variable "mysql_disk_size_gb" {
  type        = number
  description = "Initial SSD size of the Cloud SQL instance in GB."
  default     = 20

  validation {
    condition     = var.mysql_disk_size_gb >= 10 && var.mysql_disk_size_gb <= 65536 && floor(var.mysql_disk_size_gb) == var.mysql_disk_size_gb
    error_message = "mysql_disk_size_gb must be a whole number between 10 and 65536."
  }
}

variable "mysql_availability_type" {
  type        = string
  description = "ZONAL or REGIONAL (high availability) Cloud SQL instance."

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.mysql_availability_type)
    error_message = "mysql_availability_type must be ZONAL or REGIONAL."
  }
}

variable "mysql_transaction_log_retention_days" {
  type        = number
  description = "Days of binary logs kept for point-in-time recovery (1-7)."
  default     = 7

  validation {
    condition     = var.mysql_transaction_log_retention_days >= 1 && var.mysql_transaction_log_retention_days <= 7
    error_message = "mysql_transaction_log_retention_days must be between 1 and 7."
  }
}

variable "mysql_retained_backups" {
  type        = number
  description = "Automated backups kept; must exceed mysql_transaction_log_retention_days."
  default     = 14

  validation {
    condition     = var.mysql_retained_backups >= 2 && var.mysql_retained_backups <= 365
    error_message = "mysql_retained_backups must be between 2 and 365."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the GKE cluster, the Cloud SQL instance and the Firestore database from deletion."
  default     = true
}

variable "storage_force_destroy" {
  type        = bool
  description = "Allow Terraform to delete non-empty buckets (throwaway environments only)."
  default     = false
}

variable "backup_retention_days" {
  type        = number
  description = "Retention policy of the backup/export bucket in days."
  default     = 30

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 3650
    error_message = "backup_retention_days must be between 1 and 3650."
  }
}

variable "enable_dns" {
  type        = bool
  description = "Create the public DNS zone, the ingress address and the zenml/mlflow records."
  default     = false
}

variable "dns_domain" {
  type        = string
  description = "DNS domain with a trailing dot (only used when enable_dns is true)."
  default     = ""

  validation {
    condition     = var.dns_domain == "" || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+$", var.dns_domain))
    error_message = "dns_domain must be empty or a lowercase DNS name ending with a dot, e.g. ml.example.com."
  }
}

variable "functions_archive_path" {
  type        = string
  description = "Path of the archive written by `npm run build`, relative to the directory terraform runs in."
  default     = "../dist/functions.zip"

  validation {
    condition     = endswith(var.functions_archive_path, ".zip")
    error_message = "functions_archive_path must point at the .zip archive written by npm run build."
  }
}

variable "function_max_instances" {
  type        = number
  description = "Upper bound of instances per control plane function."
  default     = 5

  validation {
    condition     = var.function_max_instances >= 1 && var.function_max_instances <= 100
    error_message = "function_max_instances must be between 1 and 100."
  }
}

variable "max_delivery_attempts" {
  type        = number
  description = "Deliveries of a message to a function before it moves to the -dlq topic."
  default     = 5

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "max_delivery_attempts must be between 5 and 100."
  }
}

variable "message_retention" {
  type        = string
  description = "Message retention of the control plane topics (seconds with an s suffix)."
  default     = "604800s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.message_retention)) && tonumber(trimsuffix(var.message_retention, "s")) >= 600 && tonumber(trimsuffix(var.message_retention, "s")) <= 2678400
    error_message = "message_retention must be between 600s and 2678400s (31 days)."
  }
}

variable "backup_schedule" {
  type        = string
  description = "Cron schedule of the backup job."
  default     = "0 3 * * *"

  validation {
    condition     = length(split(" ", var.backup_schedule)) == 5
    error_message = "backup_schedule must be a five-field cron expression."
  }
}

variable "restore_drill_schedule" {
  type        = string
  description = "Cron schedule of the restore drill."
  default     = "0 5 * * 1"

  validation {
    condition     = length(split(" ", var.restore_drill_schedule)) == 5
    error_message = "restore_drill_schedule must be a five-field cron expression."
  }
}

variable "cost_report_schedule" {
  type        = string
  description = "Cron schedule of the cost report."
  default     = "0 7 * * 1"

  validation {
    condition     = length(split(" ", var.cost_report_schedule)) == 5
    error_message = "cost_report_schedule must be a five-field cron expression."
  }
}

variable "firestore_location" {
  type        = string
  description = "Location of the Firestore database (region or multi-region such as eur3)."

  validation {
    condition     = can(regex("^([a-z]+-[a-z]+[0-9]|nam5|eur3|nam7)$", var.firestore_location))
    error_message = "firestore_location must be a region (europe-west1) or a multi-region (nam5, eur3, nam7)."
  }
}

variable "billing_account_id" {
  type        = string
  description = "Billing account of the project; the budget is created on it."

  validation {
    condition     = can(regex("^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$", var.billing_account_id))
    error_message = "billing_account_id must look like 012345-6789AB-CDEF01."
  }
}

variable "budget_amount" {
  type        = number
  description = "Monthly budget of the project in budget_currency units."

  validation {
    condition     = var.budget_amount > 0 && floor(var.budget_amount) == var.budget_amount
    error_message = "budget_amount must be a positive whole number."
  }
}

variable "budget_currency" {
  type        = string
  description = "Currency of the billing account (ISO 4217)."
  default     = "USD"

  validation {
    condition     = can(regex("^[A-Z]{3}$", var.budget_currency))
    error_message = "budget_currency must be a three-letter ISO 4217 code."
  }
}

variable "budget_thresholds" {
  type        = list(number)
  description = "Fractions of the budget that notify the budgets function."
  default     = [0.5, 0.9, 1.0]

  validation {
    condition     = length(var.budget_thresholds) > 0 && alltrue([for t in var.budget_thresholds : t > 0 && t <= 10])
    error_message = "budget_thresholds must be a non-empty list of fractions greater than 0 and at most 10."
  }
}

variable "argocd_url" {
  type        = string
  description = "Base URL of the Argo CD API used by the redeploy and restore steps (empty: not configured)."
  default     = ""

  validation {
    condition     = var.argocd_url == "" || can(regex("^https://[^\\s/]+", var.argocd_url))
    error_message = "argocd_url must be empty or an https:// URL."
  }
}

variable "zenml_health_url" {
  type        = string
  description = "ZenML server health endpoint checked by the pitr-restore workflow (empty: not configured)."
  default     = ""

  validation {
    condition     = var.zenml_health_url == "" || can(regex("^https?://[^\\s/]+", var.zenml_health_url))
    error_message = "zenml_health_url must be empty or an http(s):// URL."
  }
}

variable "log_level" {
  type        = string
  description = "Log level of the control plane functions."
  default     = "info"

  validation {
    condition     = contains(["fatal", "error", "warn", "info", "debug", "trace", "silent"], var.log_level)
    error_message = "log_level must be one of fatal, error, warn, info, debug, trace, silent."
  }
}

variable "workflow_env" {
  type        = map(string)
  description = "Non-secret environment variables of the workflows (e.g. ARGOCD_URL)."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.workflow_env) : can(regex("^[A-Z][A-Z0-9_]*$", k))])
    error_message = "workflow_env keys must be upper-case identifiers such as ARGOCD_URL."
  }
}
