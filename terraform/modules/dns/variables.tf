variable "project_id" {
  type        = string
  description = "ID of the project."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid Google Cloud project ID."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,16}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold 2-17 lowercase letters, digits or hyphens."
  }
}

variable "domain" {
  type        = string
  description = "DNS domain of the zone, with the trailing dot (e.g. ml.example.com.)."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+$", var.domain))
    error_message = "domain must be a lowercase DNS name ending with a dot, e.g. ml.example.com."
  }
}

variable "hostnames" {
  type        = list(string)
  description = "Host names (relative to domain) pointed at the ingress address, e.g. zenml and mlflow."
  default     = ["zenml", "mlflow"]

  validation {
    condition     = alltrue([for h in var.hostnames : can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", h))])
    error_message = "Every hostname must be a single DNS label."
  }
}

variable "record_ttl" {
  type        = number
  description = "TTL in seconds of the A records."
  default     = 300

  validation {
    condition     = var.record_ttl >= 30 && var.record_ttl <= 86400
    error_message = "record_ttl must be between 30 and 86400 seconds."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels of the managed zone and address."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must start with a lowercase letter; keys and values may hold lowercase letters, digits, _ and - (at most 63 characters)."
  }
}
