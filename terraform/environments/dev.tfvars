# dev: small, zonal, cheap to run and to throw away. Replace the project and billing account.
project_id  = "zenml-stack-dev"
region      = "europe-west1"
environment = "dev"
name_prefix = "zenml"

labels = {
  cost-center = "ml-platform"
}

gke_master_authorized_networks = [
  { cidr_block = "10.100.0.0/24", display_name = "vpn" },
]
gke_release_channel         = "REGULAR"
gke_enable_private_endpoint = false

mysql_tier                           = "db-n1-standard-2"
mysql_disk_size_gb                   = 20
mysql_availability_type              = "ZONAL"
mysql_transaction_log_retention_days = 7
mysql_retained_backups               = 8

deletion_protection   = false
storage_force_destroy = true
backup_retention_days = 7

enable_dns = false
dns_domain = ""

function_max_instances = 2
max_delivery_attempts  = 5
message_retention      = "86400s"

backup_schedule        = "0 3 * * *"
restore_drill_schedule = "0 5 * * 1"
cost_report_schedule   = "0 7 * * 1"

firestore_location = "europe-west1"

billing_account_id = "012345-6789AB-CDEF01"
budget_amount      = 300
budget_currency    = "USD"
budget_thresholds  = [0.5, 0.9, 1.0]

argocd_url       = "https://argocd.dev.internal.example.com"
zenml_health_url = "https://zenml.dev.internal.example.com/health"
log_level        = "debug"
workflow_env     = {}
