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

variable "project_name" {
  type        = string
  description = "The seed's name of the stack; resource names are <short name>-<environment>-... A name over 12 characters is shortened to its first 7 characters, a hyphen and 4 hex digits of its SHA-1 (service account ids hold at most 30 characters)."
  default     = "zenml"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,28}[a-z0-9]$", var.project_name))
    error_message = "project_name must be 2-30 lowercase letters, digits or hyphens, start with a letter and not end with a hyphen."
  }
}

variable "zones" {
  type        = list(string)
  description = "Zones of the region: the Standard cluster's node locations, the Cloud SQL primary zone (first) and its standby zone (second, REGIONAL only)."
  default     = []

  validation {
    condition     = alltrue([for z in var.zones : startswith(z, "${var.region}-") && can(regex("^[a-z]+-[a-z]+[0-9]-[a-z]$", z))]) && length(distinct(var.zones)) == length(var.zones)
    error_message = "zones must be distinct zones of var.region, e.g. [\"us-central1-a\", \"us-central1-b\"]."
  }
}

variable "backup_region" {
  type        = string
  description = "Region of the disaster-recovery copies: Cloud SQL backups, the exports bucket, the optional cross-region replica and the regional restore."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.backup_region)) && var.backup_region != var.region
    error_message = "backup_region must be a region other than var.region, e.g. us-east1 beside us-central1."
  }
}

variable "gke_mode" {
  type        = string
  description = "autopilot (default: nodes are sized from pod requests) or standard (node_pools become node pools)."
  default     = "autopilot"

  validation {
    condition     = contains(["autopilot", "standard"], var.gke_mode)
    error_message = "gke_mode must be autopilot or standard."
  }
}

variable "node_pools" {
  type = map(object({
    node_count   = number
    machine_type = string
    min_count    = optional(number)
    max_count    = optional(number)
    disk_size_gb = optional(number, 50)
    spot         = optional(bool, false)
  }))
  description = "The seed's node pools (e.g. general = { node_count = 1, machine_type = \"e2-small\" }). Created in Standard mode; in Autopilot mode they are accepted and ignored with a warning (Autopilot has no node pools)."
  default     = {}

  validation {
    condition = alltrue([for name, p in var.node_pools :
      can(regex("^[a-z]([a-z0-9-]{0,30}[a-z0-9])?$", name)) && p.node_count >= 0 && floor(p.node_count) == p.node_count &&
      can(regex("^[a-z][a-z0-9]*-[a-z0-9-]+$", p.machine_type)) && p.disk_size_gb >= 10 &&
      coalesce(p.min_count, p.node_count) <= p.node_count && p.node_count <= coalesce(p.max_count, p.node_count)
    ])
    error_message = "node_pools: each key must be a DNS label, node_count a whole number >= 0, machine_type a Compute Engine machine type such as e2-small, disk_size_gb >= 10, and min_count <= node_count <= max_count when both are set."
  }
}

variable "enable_cross_region_replica" {
  type        = bool
  description = "Create a Cloud SQL read replica in backup_region (prod): the regional restore promotes it instead of restoring a backup."
  default     = false
}

variable "final_backup_retention_days" {
  type        = number
  description = "Days the final backup taken when the Cloud SQL instance is deleted is kept (1-365)."
  default     = 30

  validation {
    condition     = var.final_backup_retention_days >= 1 && var.final_backup_retention_days <= 365 && floor(var.final_backup_retention_days) == var.final_backup_retention_days
    error_message = "final_backup_retention_days must be a whole number between 1 and 365."
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

variable "mysql_backup_start_time" {
  type        = string
  description = "UTC start (HH:MM) of Cloud SQL's automated backup window (4 hours); no scheduled admin job may start inside it."
  default     = "02:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):00$", var.mysql_backup_start_time))
    error_message = "mysql_backup_start_time must be a whole UTC hour, HH:00."
  }
}

variable "backup_schedule" {
  type        = string
  description = "Cron schedule (UTC) of the on-demand backup job; its hour must lie outside the automated backup window."
  default     = "0 8 * * *"

  validation {
    condition = length(split(" ", var.backup_schedule)) == 5 && try(
      (tonumber(split(" ", var.backup_schedule)[1]) - tonumber(split(":", var.mysql_backup_start_time)[0]) + 24) % 24 >= 4,
      false,
    )
    error_message = "backup_schedule must be a five-field cron expression with a single hour (e.g. \"0 8 * * *\") outside the 4-hour automated backup window that starts at mysql_backup_start_time."
  }
}

variable "export_schedule" {
  type        = string
  description = "Cron schedule (UTC) of the export of every user database to the exports bucket; outside the automated backup window."
  default     = "30 9 * * *"

  validation {
    condition = length(split(" ", var.export_schedule)) == 5 && try(
      (tonumber(split(" ", var.export_schedule)[1]) - tonumber(split(":", var.mysql_backup_start_time)[0]) + 24) % 24 >= 4,
      false,
    )
    error_message = "export_schedule must be a five-field cron expression with a single hour (e.g. \"0 8 * * *\") outside the 4-hour automated backup window that starts at mysql_backup_start_time."
  }
}

variable "retention_schedule" {
  type        = string
  description = "Cron schedule (UTC) of the retention purge of on-demand backups and exports."
  default     = "0 11 * * *"

  validation {
    condition = length(split(" ", var.retention_schedule)) == 5 && try(
      (tonumber(split(" ", var.retention_schedule)[1]) - tonumber(split(":", var.mysql_backup_start_time)[0]) + 24) % 24 >= 4,
      false,
    )
    error_message = "retention_schedule must be a five-field cron expression with a single hour (e.g. \"0 8 * * *\") outside the 4-hour automated backup window that starts at mysql_backup_start_time."
  }
}

variable "rpo_check_schedule" {
  type        = string
  description = "Cron schedule of the RPO check (read-only: it may run at any time)."
  default     = "*/30 * * * *"

  validation {
    condition     = length(split(" ", var.rpo_check_schedule)) == 5
    error_message = "rpo_check_schedule must be a five-field cron expression."
  }
}

variable "rpo_objective_hours" {
  type        = number
  description = "Recovery point objective: the RPO alert fires when the newest good backup or export is older than this."
  default     = 26

  validation {
    condition     = var.rpo_objective_hours >= 1 && var.rpo_objective_hours <= 168
    error_message = "rpo_objective_hours must be between 1 and 168."
  }
}

variable "on_demand_backups_kept" {
  type        = number
  description = "ON_DEMAND backup runs the retention task keeps (older ones are deleted once a newer run succeeded)."
  default     = 14

  validation {
    condition     = var.on_demand_backups_kept >= 1 && var.on_demand_backups_kept <= 365 && floor(var.on_demand_backups_kept) == var.on_demand_backups_kept
    error_message = "on_demand_backups_kept must be a whole number between 1 and 365."
  }
}

variable "restore_drill_schedule" {
  type        = string
  description = "Cron schedule (UTC) of the weekly restore drill; outside the automated backup window."
  default     = "0 13 * * 1"

  validation {
    condition = length(split(" ", var.restore_drill_schedule)) == 5 && try(
      (tonumber(split(" ", var.restore_drill_schedule)[1]) - tonumber(split(":", var.mysql_backup_start_time)[0]) + 24) % 24 >= 4,
      false,
    )
    error_message = "restore_drill_schedule must be a five-field cron expression with a single hour (e.g. \"0 8 * * *\") outside the 4-hour automated backup window that starts at mysql_backup_start_time."
  }
}

variable "cost_report_schedule" {
  type        = string
  description = "Cron schedule of the weekly cost report."
  default     = "0 7 * * 1"

  validation {
    condition     = length(split(" ", var.cost_report_schedule)) == 5
    error_message = "cost_report_schedule must be a five-field cron expression."
  }
}

variable "cost_report_monthly_schedule" {
  type        = string
  description = "Cron schedule of the monthly cost report (default: 07:00 UTC on the 1st)."
  default     = "0 7 1 * *"

  validation {
    condition     = length(split(" ", var.cost_report_monthly_schedule)) == 5
    error_message = "cost_report_monthly_schedule must be a five-field cron expression."
  }
}

variable "lock_backup_retention" {
  type        = bool
  description = "Lock the exports bucket's retention policy (irreversible). Only with deletion_protection: a locked bucket cannot be thrown away."
  default     = false

  validation {
    condition     = !var.lock_backup_retention || var.deletion_protection
    error_message = "lock_backup_retention needs deletion_protection = true: a locked retention policy makes the environment impossible to destroy."
  }
}

variable "alert_emails" {
  type        = list(string)
  description = "Email addresses notified of what needs a human (approvals, failed remediations, RPO breaches, budget thresholds) and of the control plane's own alerts."
  default     = []

  validation {
    condition     = alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", e))])
    error_message = "alert_emails must be email addresses."
  }
}

variable "slack_channel" {
  type        = string
  description = "Slack channel (e.g. #mlops-alerts) notified like alert_emails; empty: no Slack channel. Needs slack_token_secret_id."
  default     = ""

  validation {
    condition     = var.slack_channel == "" || can(regex("^#[a-z0-9_-]{1,80}$", var.slack_channel))
    error_message = "slack_channel must be empty or a channel name such as #mlops-alerts."
  }
}

variable "slack_token_secret_id" {
  type        = string
  description = "Secret Manager secret (in this project) holding the Slack app's OAuth token for the Slack notification channel; added out of band. Required when slack_channel is set."
  default     = ""

  validation {
    condition     = (var.slack_channel == "") == (var.slack_token_secret_id == "") && (var.slack_token_secret_id == "" || can(regex("^[A-Za-z0-9_-]{1,255}$", var.slack_token_secret_id)))
    error_message = "slack_token_secret_id must be a secret id, set exactly when slack_channel is set."
  }
}

variable "gitops_repo_url" {
  type        = string
  description = "Git repository Argo CD syncs the deploy/ app-of-apps from (https). Empty: Argo CD is installed, no application is created."
  default     = ""

  validation {
    condition     = var.gitops_repo_url == "" || can(regex("^https://[^\\s]+$", var.gitops_repo_url))
    error_message = "gitops_repo_url must be empty or an https:// git URL."
  }
}

variable "gitops_revision" {
  type        = string
  description = "Branch, tag or commit of gitops_repo_url that Argo CD follows."
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,100}$", var.gitops_revision))
    error_message = "gitops_revision must be a git branch, tag or commit."
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
  description = "Base URL of the Argo CD API used by the redeploy and restore steps (empty: https://<argocd_host>, the internal load balancer the workflows reach through Service Directory)."
  default     = ""

  validation {
    condition     = var.argocd_url == "" || can(regex("^https://[^\\s/]+", var.argocd_url))
    error_message = "argocd_url must be empty or an https:// URL."
  }
}

variable "argocd_host" {
  type        = string
  description = "Host name of the Argo CD API inside the VPC; argocd_url should be https://<argocd_host>."
  default     = "argocd.internal.example.com"

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.argocd_host))
    error_message = "argocd_host must be a host name such as argocd.internal.example.com."
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
