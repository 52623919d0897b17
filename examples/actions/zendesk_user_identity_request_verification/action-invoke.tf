# Send a reminder to an address that exists already, on demand:
#
#   terraform apply -invoke=action.zendesk_user_identity_request_verification.reminder
action "zendesk_user_identity_request_verification" "reminder" {
  config {
    user_id     = 1001
    identity_id = 50004
  }
}
