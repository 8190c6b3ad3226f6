# prod: highly available database, protected resources, longer retention. Replace the
# project and billing account.
project_id   = "zenml-stack-prod"
region       = "us-central1"
environment  = "prod"
project_name = "zenml"

# The seed's zones and disaster-recovery region.
zones         = ["us-central1-a", "us-central1-b", "us-central1-c"]
backup_region = "us-east1"

labels = {
  cost-center = "ml-platform"
}

gke_master_authorized_networks = [
  { cidr_block = "10.100.0.0/24", display_name = "vpn" },
]
gke_mode = "standard"
node_pools = {
  general = { node_count = 3, machine_type = "e2-standard-4" }
}
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

# The automated backup window is 02:00-06:00 UTC; the jobs run after it.
mysql_backup_start_time      = "02:00"
backup_schedule              = "0 8 * * *"
export_schedule              = "30 8 * * *"
retention_schedule           = "0 10 * * *"
rpo_check_schedule           = "*/30 * * * *"
restore_drill_schedule       = "0 12 * * 1"
cost_report_schedule         = "0 7 * * 1"
cost_report_monthly_schedule = "0 7 1 * *"
rpo_objective_hours          = 26
on_demand_backups_kept       = 14

enable_cross_region_replica = true
final_backup_retention_days = 30
lock_backup_retention       = true

firestore_location = "nam5"

billing_account_id = "012345-6789AB-CDEF01"
budget_amount      = 2500
budget_currency    = "USD"
budget_thresholds  = [0.5, 0.75, 0.9, 1.0]

argocd_host      = "argocd.internal.example.com"
argocd_url       = "https://argocd.internal.example.com"
zenml_health_url = "https://zenml.ml.example.com/health"
log_level        = "info"
workflow_env     = {}

# People notified of approvals, failed remediations, RPO breaches, budget thresholds and the
# control plane's own alerts. Slack: a Slack app's OAuth token in Secret Manager (optional).
alert_emails          = ["platform-oncall@example.com"]
slack_channel         = ""
slack_token_secret_id = ""

# The repository Argo CD syncs deploy/ from (empty: Argo CD without applications).
gitops_repo_url = "https://github.com/example-org/stack-control-plane.git"
gitops_revision = "main"
