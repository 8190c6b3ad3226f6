# prod: highly available database, protected resources, longer retention. Replace the
# project and billing account.
project_id  = "zenml-stack-prod"
region      = "europe-west1"
environment = "prod"
name_prefix = "zenml"

labels = {
  cost-center = "ml-platform"
}

gke_master_authorized_networks = [
  { cidr_block = "10.100.0.0/24", display_name = "vpn" },
]
gke_release_channel         = "STABLE"
gke_enable_private_endpoint = false

mysql_tier                           = "db-n1-standard-2"
mysql_disk_size_gb                   = 20
mysql_availability_type              = "REGIONAL"
mysql_transaction_log_retention_days = 7
mysql_retained_backups               = 14

deletion_protection   = true
storage_force_destroy = false
backup_retention_days = 30

enable_dns = true
dns_domain = "ml.example.com."

function_max_instances = 10
max_delivery_attempts  = 10
message_retention      = "604800s"

backup_schedule        = "0 2 * * *"
restore_drill_schedule = "0 4 * * 1"
cost_report_schedule   = "0 7 * * 1"

firestore_location = "eur3"

billing_account_id = "012345-6789AB-CDEF01"
budget_amount      = 2500
budget_currency    = "USD"
budget_thresholds  = [0.5, 0.75, 0.9, 1.0]

argocd_url       = "https://argocd.internal.example.com"
zenml_health_url = "https://zenml.ml.example.com/health"
log_level        = "info"
workflow_env     = {}
