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
  description = "Region of the cluster and the internal address."

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like us-central1."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of resource names (<name_prefix>-eso must fit the 30-character service account id)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,16}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and hold 2-17 lowercase letters, digits or hyphens."
  }
}

variable "subnetwork_id" {
  type        = string
  description = "Subnet of the Argo CD internal load balancer address (the nodes' subnet)."

  validation {
    condition     = can(regex("^projects/[^/]+/regions/[^/]+/subnetworks/[^/]+$", var.subnetwork_id))
    error_message = "subnetwork_id must look like projects/P/regions/R/subnetworks/S."
  }
}

variable "network_id" {
  type        = string
  description = "VPC network the private zone of argocd_host is visible in (vpc module output network_id)."

  validation {
    condition     = can(regex("^projects/[^/]+/global/networks/[^/]+$", var.network_id))
    error_message = "network_id must look like projects/P/global/networks/N."
  }
}

variable "argocd_chart_version" {
  type        = string
  description = "Pinned version of the argo-cd Helm chart (argoproj/argo-helm)."
  default     = "7.7.23"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.argocd_chart_version))
    error_message = "argocd_chart_version must be an exact version such as 7.7.23 (no range)."
  }
}

variable "argocd_host" {
  type        = string
  description = "Host name of Argo CD inside the VPC (private DNS), e.g. argocd.internal.example.com."

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.argocd_host))
    error_message = "argocd_host must be a host name."
  }
}

variable "repo_url" {
  type        = string
  description = "Git repository holding deploy/ (empty: no root Application)."
  default     = ""

  validation {
    condition     = var.repo_url == "" || can(regex("^https://", var.repo_url))
    error_message = "repo_url must be empty or an https:// URL."
  }
}

variable "revision" {
  type        = string
  description = "Git revision Argo CD follows."
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,100}$", var.revision))
    error_message = "revision must be a git branch, tag or commit."
  }
}

variable "domain" {
  type        = string
  description = "Public DNS domain of the apps (zenml.<domain>, mlflow.<domain>); empty: no public ingress."
  default     = ""

  validation {
    condition     = var.domain == "" || can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+$", var.domain))
    error_message = "domain must be empty or a DNS name with a trailing dot."
  }
}

variable "ingress_address_name" {
  type        = string
  description = "Name of the global static address the apps' Ingress uses (dns module)."
  default     = ""

  validation {
    condition     = var.ingress_address_name == "" || can(regex("^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", var.ingress_address_name))
    error_message = "ingress_address_name must be empty or an address name."
  }
}

variable "sql_connection_name" {
  type        = string
  description = "Connection name of the Cloud SQL instance (project:region:instance) for the Cloud SQL Auth Proxy."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]+:[a-z]+-[a-z]+[0-9]:[a-z][a-z0-9-]*$", var.sql_connection_name))
    error_message = "sql_connection_name must look like project:region:instance."
  }
}

variable "db_secret_id" {
  type        = string
  description = "Secret (short id) with the apps' database connection JSON that pitr-restore repoints."
  default     = "zenml-db-connection"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,255}$", var.db_secret_id))
    error_message = "db_secret_id must be a secret id."
  }
}

variable "app_secret_ids" {
  type        = map(string)
  description = "Secrets the External Secrets Operator may read, by short name (security module output secret_ids)."
  default     = {}

  validation {
    condition     = alltrue([for id in values(var.app_secret_ids) : can(regex("^projects/[^/]+/secrets/[A-Za-z0-9_-]+$", id))])
    error_message = "app_secret_ids values must be secret IDs such as projects/P/secrets/zenml-db-connection."
  }
}

variable "artifact_bucket_name" {
  type        = string
  description = "Artifact bucket of ZenML and MLflow."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$", var.artifact_bucket_name))
    error_message = "artifact_bucket_name must be a bucket name."
  }
}

variable "apps_namespace" {
  type        = string
  description = "Namespace of ZenML and MLflow (the security module's Workload Identity bindings use it)."
  default     = "zenml"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.apps_namespace))
    error_message = "apps_namespace must be a DNS-1123 label."
  }
}

variable "workload_service_accounts" {
  type        = map(string)
  description = "Google service account emails of the apps by name (security module output): zenml, mlflow."

  validation {
    condition     = alltrue([for k in ["zenml", "mlflow"] : contains(keys(var.workload_service_accounts), k)])
    error_message = "workload_service_accounts must have zenml and mlflow."
  }
}

variable "labels" {
  type        = map(string)
  description = "Labels of the internal address."
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.labels : can(regex("^[a-z][a-z0-9_-]{0,62}$", k)) && can(regex("^[a-z0-9_-]{0,63}$", v))])
    error_message = "Label keys must start with a lowercase letter; keys and values may hold lowercase letters, digits, _ and - (at most 63 characters)."
  }
}
