# Workflows runs outside the VPC; Argo CD's API is only on an internal load balancer. Cloud
# Workflows' private network access sends an http.* call that names a Service Directory
# service (private_service_name) to that service's endpoint inside the VPC, without the
# public internet. The endpoint is the static internal address of the Argo CD server's
# internal load balancer (gitops module).

resource "google_service_directory_namespace" "control_plane" {
  count = var.argocd_internal_ip == "" ? 0 : 1

  project      = var.project_id
  location     = var.region
  namespace_id = "${var.name_prefix}-control-plane"
  labels       = local.labels
}

resource "google_service_directory_service" "argocd" {
  count = var.argocd_internal_ip == "" ? 0 : 1

  service_id = "argocd"
  namespace  = google_service_directory_namespace.control_plane[0].id
}

resource "google_service_directory_endpoint" "argocd" {
  count = var.argocd_internal_ip == "" ? 0 : 1

  endpoint_id = "argocd-server"
  service     = google_service_directory_service.argocd[0].id
  address     = var.argocd_internal_ip
  port        = 443
  # Service Directory wants the network by project number.
  network = "projects/${data.google_project.this.number}/locations/global/networks/${var.network_name}"
}

# The Workflows service agent resolves the service and opens the private connection.
resource "google_project_iam_member" "workflows_agent_private_network" {
  for_each = var.argocd_internal_ip == "" ? toset([]) : toset(["roles/servicedirectory.viewer", "roles/servicedirectory.pscAuthorizedService"])

  project = var.project_id
  role    = each.value
  member  = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-workflows.iam.gserviceaccount.com"
}
