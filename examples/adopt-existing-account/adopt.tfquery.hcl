# The users whose identities Terraform should manage from now on.
list "zendesk_user_identity" "existing" {
  provider = zendesk
  limit    = 1000

  config {
    user_ids = [1001, 1002]
  }
}
