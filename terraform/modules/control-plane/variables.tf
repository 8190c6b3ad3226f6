variable "project_id" {
  type        = string
  description = "ID of the project the control plane runs in."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid Google Cloud project ID."
  }
}

variable "region" {
  type        = string
  description = "Region of the functions, subscriptions' endpoints, Scheduler jobs and Workflows."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-west1."
  }
}

variable "environment" {
  type        = string
  description = "Environment name passed to the functions (the budget flow only scales down dev)."

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of resource names that are not fixed by the code's contract."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,16}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold 2-17 lowercase letters, digits or hyphens."
  }
}

variable "functions_archive_path" {
  type        = string
  description = "Path of the functions' deployable archive built by `npm run build` (dist/functions.zip)."

  validation {
    condition     = endswith(var.functions_archive_path, ".zip")
    error_message = "functions_archive_path must point at the .zip archive written by npm run build."
  }
}

variable "function_max_instances" {
  type        = number
  description = "Upper bound of instances per function (min instances is always 0)."
  default     = 5

  validation {
    condition     = var.function_max_instances >= 1 && var.function_max_instances <= 100
    error_message = "function_max_instances must be between 1 and 100."
  }
}

variable "function_memory" {
  type        = string
  description = "Memory of each function instance, e.g. 256M or 512M."
  default     = "256M"

  validation {
    condition     = contains(["128M", "256M", "512M", "1G", "2G", "4G"], var.function_memory)
    error_message = "function_memory must be one of 128M, 256M, 512M, 1G, 2G, 4G."
  }
}

variable "function_timeout_seconds" {
  type        = number
  description = "Timeout of one function invocation; also the push subscriptions' ack deadline."
  default     = 300

  validation {
    condition     = var.function_timeout_seconds >= 10 && var.function_timeout_seconds <= 540
    error_message = "function_timeout_seconds must be between 10 and 540 (the event-driven maximum)."
  }
}

variable "max_delivery_attempts" {
  type        = number
  description = "Deliveries of a message to a function before it is moved to the topic's -dlq topic."
  default     = 5

  validation {
    condition     = var.max_delivery_attempts >= 5 && var.max_delivery_attempts <= 100
    error_message = "max_delivery_attempts must be between 5 and 100 (the Pub/Sub dead-letter policy's range)."
  }
}

variable "retry_minimum_backoff" {
  type        = string
  description = "Minimum backoff between redeliveries of a failed message (seconds with an s suffix)."
  default     = "10s"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?s$", var.retry_minimum_backoff)) && tonumber(trimsuffix(var.retry_minimum_backoff, "s")) <= 600
    error_message = "retry_minimum_backoff must be a duration in seconds with an s suffix, at most 600s."
  }
}

variable "retry_maximum_backoff" {
  type        = string
  description = "Maximum backoff between redeliveries of a failed message (seconds with an s suffix)."
  default     = "600s"

  validation {
    condition     = can(regex("^[0-9]+(\\.[0-9]+)?s$", var.retry_maximum_backoff)) && tonumber(trimsuffix(var.retry_maximum_backoff, "s")) <= 600
    error_message = "retry_maximum_backoff must be a duration in seconds with an s suffix, at most 600s."
  }
}

variable "message_retention" {
  type        = string
  description = "Message retention of every topic and dead-letter subscription (seconds with an s suffix, 10 minutes to 31 days)."
  default     = "604800s"

  validation {
    condition     = can(regex("^[0-9]+s$", var.message_retention)) && tonumber(trimsuffix(var.message_retention, "s")) >= 600 && tonumber(trimsuffix(var.message_retention, "s")) <= 2678400
    error_message = "message_retention must be between 600s and 2678400s (31 days)."
  }
}

variable "backup_schedule" {
  type        = string
  description = "Cron schedule of the on-demand backup job."
  default     = "0 3 * * *"

  validation {
    condition     = length(split(" ", var.backup_schedule)) == 5
    error_message = "backup_schedule must be a five-field cron expression."
  }
}

variable "restore_drill_schedule" {
  type        = string
  description = "Cron schedule of the restore drill (PITR clone, verify, delete)."
  default     = "0 5 * * 1"

  validation {
    condition     = length(split(" ", var.restore_drill_schedule)) == 5
    error_message = "restore_drill_schedule must be a five-field cron expression."
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

variable "export_schedule" {
  type        = string
  description = "Cron schedule of the export job."
  default     = "30 9 * * *"

  validation {
    condition     = length(split(" ", var.export_schedule)) == 5
    error_message = "export_schedule must be a five-field cron expression."
  }
}

variable "retention_schedule" {
  type        = string
  description = "Cron schedule of the retention purge."
  default     = "0 11 * * *"

  validation {
    condition     = length(split(" ", var.retention_schedule)) == 5
    error_message = "retention_schedule must be a five-field cron expression."
  }
}

variable "rpo_check_schedule" {
  type        = string
  description = "Cron schedule of the RPO check."
  default     = "*/30 * * * *"

  validation {
    condition     = length(split(" ", var.rpo_check_schedule)) == 5
    error_message = "rpo_check_schedule must be a five-field cron expression."
  }
}

variable "cost_report_monthly_schedule" {
  type        = string
  description = "Cron schedule of the monthly cost report."
  default     = "0 7 1 * *"

  validation {
    condition     = length(split(" ", var.cost_report_monthly_schedule)) == 5
    error_message = "cost_report_monthly_schedule must be a five-field cron expression."
  }
}

variable "pubsub_kms_key_id" {
  type        = string
  description = "CMEK key of every topic (security module output kms_key_ids[\"pubsub\"])."

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.pubsub_kms_key_id))
    error_message = "pubsub_kms_key_id must be a full KMS key ID."
  }
}

variable "storage_kms_key_id" {
  type        = string
  description = "CMEK key of the sources and reports buckets, and of the workspace buckets the provisioning flow creates."

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.storage_kms_key_id))
    error_message = "storage_kms_key_id must be a full KMS key ID."
  }
}

variable "secrets_kms_key_id" {
  type        = string
  description = "CMEK key of the argocd-token secret and of the workspace secrets the provisioning flow creates."

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.secrets_kms_key_id))
    error_message = "secrets_kms_key_id must be a full KMS key ID."
  }
}

variable "registry_kms_key_id" {
  type        = string
  description = "CMEK key of the workspace repositories the provisioning flow creates."

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.registry_kms_key_id))
    error_message = "registry_kms_key_id must be a full KMS key ID."
  }
}

variable "backup_region" {
  type        = string
  description = "Region of the backups and the exports bucket (passed to the functions and workflows)."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.backup_region)) && var.backup_region != var.region
    error_message = "backup_region must be a region other than region."
  }
}

variable "rpo_objective_hours" {
  type        = number
  description = "Recovery point objective in hours (RPO alert threshold and rpo-check option)."
  default     = 26

  validation {
    condition     = var.rpo_objective_hours >= 1 && var.rpo_objective_hours <= 168
    error_message = "rpo_objective_hours must be between 1 and 168."
  }
}

variable "on_demand_backups_kept" {
  type        = number
  description = "ON_DEMAND backup runs kept by the retention task."
  default     = 14

  validation {
    condition     = var.on_demand_backups_kept >= 1 && var.on_demand_backups_kept <= 365
    error_message = "on_demand_backups_kept must be between 1 and 365."
  }
}

variable "export_retention_days" {
  type        = number
  description = "Days the retention task keeps exports."
  default     = 30

  validation {
    condition     = var.export_retention_days >= 1 && var.export_retention_days <= 3650
    error_message = "export_retention_days must be between 1 and 3650."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Let terraform destroy delete the non-empty reports bucket (throwaway environments)."
  default     = false
}

variable "alert_emails" {
  type        = list(string)
  description = "Email addresses of the people notified."
  default     = []

  validation {
    condition     = alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", e))])
    error_message = "alert_emails must be email addresses."
  }
}

variable "slack_channel" {
  type        = string
  description = "Slack channel notified like alert_emails (empty: none)."
  default     = ""

  validation {
    condition     = var.slack_channel == "" || can(regex("^#[a-z0-9_-]{1,80}$", var.slack_channel))
    error_message = "slack_channel must be empty or a channel name such as #mlops-alerts."
  }
}

variable "slack_token_secret_id" {
  type        = string
  description = "Secret Manager secret holding the Slack app's OAuth token (required with slack_channel)."
  default     = ""

  validation {
    condition     = var.slack_token_secret_id == "" || can(regex("^[A-Za-z0-9_-]{1,255}$", var.slack_token_secret_id))
    error_message = "slack_token_secret_id must be empty or a secret id."
  }
}

variable "slack_token_version" {
  type        = number
  description = "Version of the write-only Slack token; increase it after adding a new token version."
  default     = 1

  validation {
    condition     = var.slack_token_version >= 1
    error_message = "slack_token_version must be >= 1."
  }
}

variable "function_error_ratio_percent" {
  type        = number
  description = "Share of 5xx answers (percent, over 10 minutes) that raises a function's error alert."
  default     = 50

  validation {
    condition     = var.function_error_ratio_percent > 0 && var.function_error_ratio_percent <= 100
    error_message = "function_error_ratio_percent must be in (0, 100]."
  }
}

variable "app_hosts" {
  type        = map(string)
  description = "Public host of each app by Argo CD application name (zenml-server, mlflow): uptime checks on https://<host>/health. Empty: no uptime checks."
  default     = {}

  validation {
    condition     = alltrue([for h in values(var.app_hosts) : can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", h))])
    error_message = "app_hosts values must be host names without a scheme or trailing dot."
  }
}

variable "mlflow_app_name" {
  type        = string
  description = "Argo CD application (and container) name of the MLflow server."
  default     = "mlflow"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.mlflow_app_name))
    error_message = "mlflow_app_name must be a valid DNS-1123 label."
  }
}

variable "argocd_internal_ip" {
  type        = string
  description = "Internal address of the Argo CD server's load balancer (gitops module); registered in Service Directory for Workflows' private network access. Empty: not registered."
  default     = ""

  validation {
    condition     = var.argocd_internal_ip == "" || can(cidrhost("${var.argocd_internal_ip}/32", 0))
    error_message = "argocd_internal_ip must be empty or an IPv4 address."
  }
}

variable "network_name" {
  type        = string
  description = "Name of the VPC network the Argo CD endpoint is in."
  default     = ""

  validation {
    condition     = var.network_name == "" || can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", var.network_name))
    error_message = "network_name must be empty or a network name."
  }
}

variable "schedule_time_zone" {
  type        = string
  description = "IANA time zone of the Scheduler jobs."
  default     = "Etc/UTC"

  validation {
    condition     = can(regex("^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$", var.schedule_time_zone))
    error_message = "schedule_time_zone must be an IANA time zone such as Etc/UTC or Europe/Berlin."
  }
}

variable "sql_instance_name" {
  type        = string
  description = "Name of the Cloud SQL instance the backups, drills and PITR restores act on."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,96}$", var.sql_instance_name))
    error_message = "sql_instance_name must be a Cloud SQL instance name (also used as an alert label value, so lowercase)."
  }
}

variable "sql_service_account_email" {
  type        = string
  description = "Service account of the Cloud SQL instance (mysql module output); it writes the exports to the backup bucket."

  validation {
    condition     = can(regex("^[a-z0-9-]+@[a-z0-9.-]+\\.iam\\.gserviceaccount\\.com$", var.sql_service_account_email))
    error_message = "sql_service_account_email must be a service account email."
  }
}

variable "backup_bucket_name" {
  type        = string
  description = "Exports bucket in the backup region (storage module output)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$", var.backup_bucket_name))
    error_message = "backup_bucket_name must be a Cloud Storage bucket name."
  }
}

variable "artifact_bucket_name" {
  type        = string
  description = "Artifact bucket of the stack; workspaces get their own buckets next to it."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$", var.artifact_bucket_name))
    error_message = "artifact_bucket_name must be a Cloud Storage bucket name."
  }
}

variable "gke_cluster_name" {
  type        = string
  description = "Name of the GKE cluster running the ZenML server (scopes the uptime alert)."

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", var.gke_cluster_name))
    error_message = "gke_cluster_name must be a GKE cluster name."
  }
}

variable "zenml_namespace" {
  type        = string
  description = "Kubernetes namespace of the ZenML server."
  default     = "zenml"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.zenml_namespace))
    error_message = "zenml_namespace must be a valid DNS-1123 label."
  }
}

variable "zenml_app_name" {
  type        = string
  description = "Argo CD application (and container) name of the ZenML server; the redeploy rule targets it."
  default     = "zenml-server"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.zenml_app_name))
    error_message = "zenml_app_name must be a valid DNS-1123 label."
  }
}

variable "argocd_url" {
  type        = string
  description = "Base URL of the Argo CD API the redeploy and restore steps call (empty: not configured)."
  default     = ""

  validation {
    condition     = var.argocd_url == "" || can(regex("^https://[^\\s/]+", var.argocd_url))
    error_message = "argocd_url must be empty or an https:// URL."
  }
}

variable "zenml_health_url" {
  type        = string
  description = "ZenML server health endpoint the pitr-restore workflow checks after repointing (empty: not configured)."
  default     = ""

  validation {
    condition     = var.zenml_health_url == "" || can(regex("^https?://[^\\s/]+", var.zenml_health_url))
    error_message = "zenml_health_url must be empty or an http(s):// URL."
  }
}

variable "app_secret_ids" {
  type        = map(string)
  description = "Secrets of the apps that the recovery workflows repoint, by short name (security module output secret_ids); the workflows identity may read, add and disable their versions."
  default     = {}

  validation {
    condition     = alltrue([for id in values(var.app_secret_ids) : can(regex("^projects/[^/]+/secrets/[A-Za-z0-9_-]+$", id))])
    error_message = "app_secret_ids values must be secret IDs such as projects/P/secrets/zenml-db-connection."
  }
}

variable "log_level" {
  type        = string
  description = "Log level of the functions."
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

variable "function_env" {
  type        = map(string)
  description = "Extra non-secret environment variables of every function (secrets stay in Secret Manager)."
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.function_env) : can(regex("^[A-Z][A-Z0-9_]*$", k))])
    error_message = "function_env keys must be upper-case identifiers."
  }
}

variable "firestore_location" {
  type        = string
  description = "Location of the Firestore database (a region such as europe-west1 or a multi-region such as eur3)."

  validation {
    condition     = can(regex("^([a-z]+-[a-z]+[0-9]|nam5|eur3|nam7)$", var.firestore_location))
    error_message = "firestore_location must be a region (europe-west1) or a multi-region (nam5, eur3, nam7)."
  }
}

variable "firestore_database_id" {
  type        = string
  description = "ID of the Firestore database holding the state store."
  default     = "stack-control-plane"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,61}[a-z0-9]$", var.firestore_database_id))
    error_message = "firestore_database_id must be 4-63 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "billing_account_id" {
  type        = string
  description = "Billing account the budget is created on (XXXXXX-XXXXXX-XXXXXX)."

  validation {
    condition     = can(regex("^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$", var.billing_account_id))
    error_message = "billing_account_id must look like 012345-6789AB-CDEF01."
  }
}

variable "budget_amount" {
  type        = number
  description = "Monthly budget in budget_currency units."

  validation {
    condition     = var.budget_amount > 0 && floor(var.budget_amount) == var.budget_amount
    error_message = "budget_amount must be a positive whole number."
  }
}

variable "budget_currency" {
  type        = string
  description = "ISO 4217 currency of the budget; must be the billing account's currency."
  default     = "USD"

  validation {
    condition     = can(regex("^[A-Z]{3}$", var.budget_currency))
    error_message = "budget_currency must be a three-letter ISO 4217 code such as USD or EUR."
  }
}

variable "budget_thresholds" {
  type        = list(number)
  description = "Fractions of the budget (actual spend) that notify the budgets function, e.g. [0.5, 0.9, 1.0]."
  default     = [0.5, 0.9, 1.0]

  validation {
    condition     = length(var.budget_thresholds) > 0 && alltrue([for t in var.budget_thresholds : t > 0 && t <= 10])
    error_message = "budget_thresholds must be a non-empty list of fractions greater than 0 and at most 10."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Protect the Firestore database and the workflows from deletion."
  default     = true
}

variable "labels" {
  type        = map(string)
  description = "Labels applied to every labelable resource."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must start with a lowercase letter; keys and values may hold lowercase letters, digits, _ and - (at most 63 characters)."
  }
}
