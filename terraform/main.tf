provider "google" {
  project = var.project_id
  region  = var.region

  # Billing budgets are created on the billing account; the quota is charged to this project.
  user_project_override = true
  billing_project       = var.project_id
}

# Argo CD is installed with Helm through the cluster's control-plane endpoint: the machine
# running terraform must be in gke_master_authorized_networks (or in the VPC when the endpoint
# is private).
data "google_client_config" "current" {}

provider "helm" {
  kubernetes = {
    host                   = "https://${module.gke.endpoint}"
    token                  = data.google_client_config.current.access_token
    cluster_ca_certificate = base64decode(module.gke.ca_certificate)
  }
}

provider "google-beta" {
  project = var.project_id
  region  = var.region

  user_project_override = true
  billing_project       = var.project_id
}

locals {
  apis = [
    "artifactregistry.googleapis.com",
    "billingbudgets.googleapis.com",
    "cloudbilling.googleapis.com",
    "cloudbuild.googleapis.com",
    "cloudfunctions.googleapis.com",
    "cloudkms.googleapis.com",
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "dns.googleapis.com",
    "firestore.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "pubsub.googleapis.com",
    "run.googleapis.com",
    "secretmanager.googleapis.com",
    "servicedirectory.googleapis.com",
    "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com",
    "storage.googleapis.com",
    "workflowexecutions.googleapis.com",
    "workflows.googleapis.com",
  ]

  # Argo CD's API is only on its internal load balancer, named argocd_host inside the VPC; the
  # workflows reach that name through the Service Directory service of its internal address.
  argocd_url = var.argocd_url != "" ? var.argocd_url : "https://${var.argocd_host}"
}

resource "google_project_service" "apis" {
  for_each = toset(local.apis)

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

module "vpc" {
  source = "./modules/vpc"

  project_id          = var.project_id
  region              = var.region
  name_prefix         = local.prefix
  public_subnet_cidr  = var.public_subnet_cidr
  private_subnet_cidr = var.private_subnet_cidr

  depends_on = [google_project_service.apis]
}

module "security" {
  source = "./modules/security"

  project_id          = var.project_id
  region              = var.region
  backup_region       = var.backup_region
  name_prefix         = local.prefix
  deletion_protection = var.deletion_protection
  labels              = local.labels

  # A disposable environment's keys can be recovered for one day after destroy, prod's for 30.
  key_destroy_scheduled_duration = var.deletion_protection ? "2592000s" : "86400s"

  depends_on = [google_project_service.apis]
}

module "gke" {
  source = "./modules/gke"

  project_id                 = var.project_id
  region                     = var.region
  name                       = "${local.prefix}-gke"
  network_id                 = module.vpc.network_id
  subnetwork_id              = module.vpc.private_subnet_id
  pods_range_name            = module.vpc.pods_range_name
  services_range_name        = module.vpc.services_range_name
  master_authorized_networks = var.gke_master_authorized_networks
  release_channel            = var.gke_release_channel
  enable_private_endpoint    = var.gke_enable_private_endpoint
  deletion_protection        = var.deletion_protection
  mode                       = var.gke_mode
  zones                      = var.zones
  node_pools                 = var.node_pools
  kms_key_id                 = module.security.kms_key_ids["gke"]
  labels                     = local.labels

  depends_on = [module.security]
}

module "mysql" {
  source = "./modules/mysql"

  project_id                     = var.project_id
  region                         = var.region
  backup_region                  = var.backup_region
  zones                          = var.zones
  instance_name                  = "${local.prefix}-mysql"
  tier                           = var.mysql_tier
  disk_size_gb                   = var.mysql_disk_size_gb
  availability_type              = var.mysql_availability_type
  transaction_log_retention_days = var.mysql_transaction_log_retention_days
  retained_backups               = var.mysql_retained_backups
  network_id                     = module.vpc.network_id
  kms_key_id                     = module.security.kms_key_ids["cloudsql"]
  secrets_kms_key_id             = module.security.kms_key_ids["secrets"]
  backup_start_time              = var.mysql_backup_start_time
  final_backup_retention_days    = var.final_backup_retention_days
  enable_cross_region_replica    = var.enable_cross_region_replica
  replica_kms_key_id             = var.enable_cross_region_replica ? module.security.backup_kms_key_ids["cloudsql"] : ""
  app_databases = {
    zenml  = module.security.secret_ids["zenml-db-connection"]
    mlflow = module.security.secret_ids["mlflow-db-connection"]
  }
  deletion_protection = var.deletion_protection
  labels              = local.labels

  # Private IP needs the peering, and CMEK needs the service agent's key grant, before the
  # instance is created; neither is visible through the arguments above.
  depends_on = [module.vpc, module.security]
}

module "storage" {
  source = "./modules/storage"

  project_id            = var.project_id
  region                = var.region
  backup_region         = var.backup_region
  name_prefix           = local.prefix
  storage_kms_key_id    = module.security.kms_key_ids["storage"]
  backup_kms_key_id     = module.security.backup_kms_key_ids["storage"]
  registry_kms_key_id   = module.security.kms_key_ids["artifact-registry"]
  backup_retention_days = var.backup_retention_days
  lock_backup_retention = var.lock_backup_retention
  force_destroy         = var.storage_force_destroy
  labels                = local.labels

  # The ZenML and MLflow servers read and write artifacts and pull/push images.
  artifact_users = { for name, email in module.security.workload_service_account_emails : name => "serviceAccount:${email}" }

  depends_on = [module.security]
}

module "dns" {
  source = "./modules/dns"
  count  = var.enable_dns ? 1 : 0

  project_id  = var.project_id
  name_prefix = local.prefix
  domain      = var.dns_domain
  labels      = local.labels

  depends_on = [google_project_service.apis]
}

module "gitops" {
  source = "./modules/gitops"

  project_id                = var.project_id
  region                    = var.region
  name_prefix               = local.prefix
  subnetwork_id             = module.vpc.private_subnet_id
  network_id                = module.vpc.network_id
  argocd_host               = var.argocd_host
  repo_url                  = var.gitops_repo_url
  revision                  = var.gitops_revision
  domain                    = var.enable_dns ? var.dns_domain : ""
  ingress_address_name      = var.enable_dns ? module.dns[0].ingress_address_name : ""
  sql_connection_name       = module.mysql.connection_name
  app_secret_ids            = module.security.secret_ids
  artifact_bucket_name      = module.storage.artifact_bucket_name
  workload_service_accounts = module.security.workload_service_account_emails
  labels                    = local.labels

  depends_on = [module.gke]
}

module "control_plane" {
  source = "./modules/control-plane"

  project_id                   = var.project_id
  region                       = var.region
  backup_region                = var.backup_region
  environment                  = var.environment
  name_prefix                  = local.prefix
  functions_archive_path       = var.functions_archive_path
  function_max_instances       = var.function_max_instances
  max_delivery_attempts        = var.max_delivery_attempts
  message_retention            = var.message_retention
  backup_schedule              = var.backup_schedule
  export_schedule              = var.export_schedule
  retention_schedule           = var.retention_schedule
  rpo_check_schedule           = var.rpo_check_schedule
  restore_drill_schedule       = var.restore_drill_schedule
  cost_report_schedule         = var.cost_report_schedule
  cost_report_monthly_schedule = var.cost_report_monthly_schedule
  rpo_objective_hours          = var.rpo_objective_hours
  on_demand_backups_kept       = var.on_demand_backups_kept
  export_retention_days        = var.backup_retention_days
  sql_instance_name            = module.mysql.instance_name
  sql_service_account_email    = module.mysql.service_account_email
  backup_bucket_name           = module.storage.backup_bucket_name
  artifact_bucket_name         = module.storage.artifact_bucket_name
  gke_cluster_name             = module.gke.cluster_name
  firestore_location           = var.firestore_location
  billing_account_id           = var.billing_account_id
  budget_amount                = var.budget_amount
  budget_currency              = var.budget_currency
  budget_thresholds            = var.budget_thresholds
  argocd_url                   = local.argocd_url
  argocd_internal_ip           = module.gitops.argocd_internal_ip
  network_name                 = module.vpc.network_name
  function_subnetwork_name     = module.vpc.private_subnet_name
  zenml_health_url             = var.zenml_health_url
  app_hosts                    = var.enable_dns ? { "zenml-server" = "zenml.${trimsuffix(var.dns_domain, ".")}", "mlflow" = "mlflow.${trimsuffix(var.dns_domain, ".")}" } : {}
  app_secret_ids               = { "zenml-db-connection" = module.security.secret_ids["zenml-db-connection"] }
  pubsub_kms_key_id            = module.security.kms_key_ids["pubsub"]
  storage_kms_key_id           = module.security.kms_key_ids["storage"]
  secrets_kms_key_id           = module.security.kms_key_ids["secrets"]
  registry_kms_key_id          = module.security.kms_key_ids["artifact-registry"]
  force_destroy                = var.storage_force_destroy
  alert_emails                 = var.alert_emails
  slack_channel                = var.slack_channel
  slack_token_secret_id        = var.slack_token_secret_id
  log_level                    = var.log_level
  workflow_env                 = var.workflow_env
  deletion_protection          = var.deletion_protection
  labels                       = local.labels

  depends_on = [google_project_service.apis, module.security]
}
