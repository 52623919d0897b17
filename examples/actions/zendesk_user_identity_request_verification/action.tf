# A new address the user confirms. Created without Zendesk's own email
# (skip_verify_email), then the action sends exactly one verification
# email, right after the create.
resource "zendesk_user_identity" "personal_email" {
  user_id           = 1001
  type              = "email"
  value             = "ana.lima@personal.example.org"
  skip_verify_email = true

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.zendesk_user_identity_request_verification.personal_email]
    }
  }
}

action "zendesk_user_identity_request_verification" "personal_email" {
  config {
    user_id     = zendesk_user_identity.personal_email.user_id
    identity_id = zendesk_user_identity.personal_email.id
  }
}
