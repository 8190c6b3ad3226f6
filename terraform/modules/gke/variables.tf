variable "project_id" {
  type        = string
  description = "ID of the project the cluster is created in."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a valid Google Cloud project ID."
  }
}

variable "region" {
  type        = string
  description = "Region of the cluster (regional in both modes)."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-west1."
  }
}

variable "name" {
  type        = string
  description = "Name of the cluster."

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,22}[a-z0-9])?$", var.name))
    error_message = "name must be 1-24 lowercase letters, digits or hyphens, starting with a letter (the nodes' service account id is <name>-nodes, at most 30 characters)."
  }
}

variable "mode" {
  type        = string
  description = "autopilot or standard. In Autopilot mode node_pools is ignored (the root module warns)."
  default     = "autopilot"

  validation {
    condition     = contains(["autopilot", "standard"], var.mode)
    error_message = "mode must be autopilot or standard."
  }
}

variable "zones" {
  type        = list(string)
  description = "Node locations of a Standard cluster (zones of region); empty: GKE chooses. Ignored in Autopilot mode."
  default     = []

  validation {
    condition     = alltrue([for z in var.zones : startswith(z, "${var.region}-")])
    error_message = "zones must be zones of region."
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
  description = "Node pools of a Standard cluster: node_count nodes in total (spread over the first node_count zones), or min_count/max_count totals for autoscaling."
  default     = {}

  validation {
    condition     = alltrue([for p in values(var.node_pools) : p.node_count >= 0 && (p.min_count == null) == (p.max_count == null)])
    error_message = "node_count must be >= 0, and min_count and max_count must be set together."
  }
}

variable "kms_key_id" {
  type        = string
  description = "CMEK key for application-layer secrets encryption (security module output kms_key_ids[\"gke\"]); must be in region."

  validation {
    condition     = can(regex("^projects/[^/]+/locations/[^/]+/keyRings/[^/]+/cryptoKeys/[^/]+$", var.kms_key_id))
    error_message = "kms_key_id must be a full KMS key ID."
  }
}

variable "network_id" {
  type        = string
  description = "ID of the VPC network (vpc module output network_id)."

  validation {
    condition     = can(regex("^projects/[^/]+/global/networks/[^/]+$", var.network_id))
    error_message = "network_id must look like projects/P/global/networks/N (vpc module output network_id)."
  }
}

variable "subnetwork_id" {
  type        = string
  description = "ID of the private subnet for the nodes (vpc module output private_subnet_id)."

  validation {
    condition     = can(regex("^projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$", var.subnetwork_id))
    error_message = "subnetwork_id must look like projects/P/regions/R/subnetworks/S (vpc module output private_subnet_id)."
  }
}

variable "pods_range_name" {
  type        = string
  description = "Name of the subnet's secondary range for pods."

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]*[a-z0-9])?$", var.pods_range_name))
    error_message = "pods_range_name must be a secondary range name (lowercase letters, digits, hyphens)."
  }
}

variable "services_range_name" {
  type        = string
  description = "Name of the subnet's secondary range for services."

  validation {
    condition     = can(regex("^[a-z]([-a-z0-9]*[a-z0-9])?$", var.services_range_name))
    error_message = "services_range_name must be a secondary range name (lowercase letters, digits, hyphens)."
  }
}

variable "master_ipv4_cidr_block" {
  type        = string
  description = "A /28 RFC 1918 range for the control plane's private endpoint; must not overlap any subnet."
  default     = "172.16.0.0/28"

  validation {
    condition     = can(cidrhost(var.master_ipv4_cidr_block, 0)) && endswith(var.master_ipv4_cidr_block, "/28")
    error_message = "master_ipv4_cidr_block must be a /28 CIDR block."
  }
}

variable "enable_private_endpoint" {
  type        = bool
  description = "When true the control plane has no public endpoint at all (kubectl only from inside the VPC)."
  default     = false
}

variable "master_authorized_networks" {
  type = list(object({
    cidr_block   = string
    display_name = string
  }))
  description = "Networks allowed to reach the control plane endpoint, e.g. a CI runner range or an office VPN."
  default     = []

  validation {
    condition     = alltrue([for n in var.master_authorized_networks : can(cidrhost(n.cidr_block, 0)) && n.cidr_block != "0.0.0.0/0"])
    error_message = "Every master_authorized_networks cidr_block must be a valid CIDR block, and 0.0.0.0/0 is not allowed."
  }
}

variable "release_channel" {
  type        = string
  description = "GKE release channel: RAPID, REGULAR or STABLE."
  default     = "REGULAR"

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.release_channel)
    error_message = "release_channel must be RAPID, REGULAR or STABLE."
  }
}

variable "maintenance_window" {
  type = object({
    start_time = string
    end_time   = string
    recurrence = string
  })
  description = "Recurring maintenance window (RFC 3339 start/end times, RFC 5545 RRULE recurrence)."
  default = {
    start_time = "2025-01-04T02:00:00Z"
    end_time   = "2025-01-04T08:00:00Z"
    recurrence = "FREQ=WEEKLY;BYDAY=SA,SU"
  }

  validation {
    condition     = can(timecmp(var.maintenance_window.start_time, var.maintenance_window.end_time)) && timecmp(var.maintenance_window.start_time, var.maintenance_window.end_time) < 0 && startswith(var.maintenance_window.recurrence, "FREQ=")
    error_message = "maintenance_window needs RFC 3339 start_time before end_time and an RRULE recurrence starting with FREQ=."
  }
}

variable "deletion_protection" {
  type        = bool
  description = "Refuse to destroy the cluster from Terraform."
  default     = true
}

variable "labels" {
  type        = map(string)
  description = "Labels applied to the cluster."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must start with a lowercase letter; keys and values may hold lowercase letters, digits, _ and - (at most 63 characters)."
  }
}
