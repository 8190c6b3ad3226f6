terraform {
  required_version = ">= 1.11"

  required_providers {
    # 7.21: direct VPC egress of google_cloudfunctions2_function (budgets -> Argo CD).
    google = {
      source  = "hashicorp/google"
      version = ">= 7.21, < 8.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 7.21, < 8.0"
    }
  }
}
