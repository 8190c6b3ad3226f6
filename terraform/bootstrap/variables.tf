variable "project_id" {
  type        = string
  description = "Project holding the state bucket and the Workload Identity pool (ideally not the stack's project)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid Google Cloud project ID."
  }
}

variable "state_bucket_name" {
  type        = string
  description = "Globally unique name of the Terraform state bucket."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be a bucket name."
  }
}

variable "location" {
  type        = string
  description = "Location of the state bucket (a multi-region such as US survives a regional outage)."
  default     = "US"

  validation {
    condition     = can(regex("^([A-Z]+|[a-z]+-[a-z]+[0-9])$", var.location))
    error_message = "location must be a multi-region (US) or a region."
  }
}

variable "state_versions_kept" {
  type        = number
  description = "Noncurrent versions of each state file kept."
  default     = 50

  validation {
    condition     = var.state_versions_kept >= 1
    error_message = "state_versions_kept must be at least 1."
  }
}

variable "github_repository" {
  type        = string
  description = "owner/name of the GitHub repository whose Actions may apply."

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}
