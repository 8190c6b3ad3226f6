variable "project_id" {
  type        = string
  description = "ID of the project the network is created in."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid Google Cloud project ID (6-30 lowercase letters, digits or hyphens)."
  }
}

variable "region" {
  type        = string
  description = "Region of the subnets, the Cloud Router and Cloud NAT."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-west1."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every resource name, e.g. zenml-dev."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,16}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold 2-17 lowercase letters, digits or hyphens."
  }
}

variable "public_subnet_cidr" {
  type        = string
  description = "RFC 1918 range of the public subnet (load balancer proxies and other internet-facing resources)."
  default     = "10.0.0.0/24"

  validation {
    condition     = can(cidrhost(var.public_subnet_cidr, 0)) && can(regex("^(10\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|192\\.168\\.)", var.public_subnet_cidr))
    error_message = "public_subnet_cidr must be a CIDR block inside an RFC 1918 range."
  }
}

variable "private_subnet_cidr" {
  type        = string
  description = "RFC 1918 range of the private subnet that holds the GKE nodes."
  default     = "10.0.16.0/20"

  validation {
    condition     = can(cidrhost(var.private_subnet_cidr, 0)) && can(regex("^(10\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|192\\.168\\.)", var.private_subnet_cidr))
    error_message = "private_subnet_cidr must be a CIDR block inside an RFC 1918 range."
  }
}

variable "pods_cidr" {
  type        = string
  description = "Secondary range of the private subnet for GKE pods."
  default     = "10.1.0.0/16"

  validation {
    condition     = can(cidrhost(var.pods_cidr, 0)) && can(regex("^(10\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|192\\.168\\.)", var.pods_cidr))
    error_message = "pods_cidr must be a CIDR block inside an RFC 1918 range."
  }
}

variable "services_cidr" {
  type        = string
  description = "Secondary range of the private subnet for GKE services."
  default     = "10.2.0.0/16"

  validation {
    condition     = can(cidrhost(var.services_cidr, 0)) && can(regex("^(10\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.|192\\.168\\.)", var.services_cidr))
    error_message = "services_cidr must be a CIDR block inside an RFC 1918 range."
  }
}

variable "private_service_access_prefix_length" {
  type        = number
  description = "Prefix length of the range reserved for Private Service Access (Cloud SQL private IP)."
  default     = 20

  validation {
    condition     = var.private_service_access_prefix_length >= 8 && var.private_service_access_prefix_length <= 24
    error_message = "private_service_access_prefix_length must be between 8 and 24."
  }
}

variable "app_ports" {
  type        = list(string)
  description = "TCP ports the load balancer health checks and proxies may reach on the GKE nodes (ZenML server, MLflow server, Argo CD)."
  default     = ["8080", "5000", "443"]

  validation {
    condition     = length(var.app_ports) > 0 && alltrue([for p in var.app_ports : can(regex("^[0-9]{1,5}$", p)) && tonumber(p) >= 1 && tonumber(p) <= 65535])
    error_message = "app_ports must be a non-empty list of TCP port numbers between 1 and 65535."
  }
}

variable "nat_log_filter" {
  type        = string
  description = "Which Cloud NAT events are logged: ERRORS_ONLY, TRANSLATIONS_ONLY or ALL."
  default     = "ERRORS_ONLY"

  validation {
    condition     = contains(["ERRORS_ONLY", "TRANSLATIONS_ONLY", "ALL"], var.nat_log_filter)
    error_message = "nat_log_filter must be ERRORS_ONLY, TRANSLATIONS_ONLY or ALL."
  }
}
