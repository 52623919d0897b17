# Every identity that zendesk_user_identity can manage, of three users.
list "zendesk_user_identity" "support_team" {
  provider = zendesk

  config {
    user_ids = [1001, 1002, 1003]
  }
}

# Only their phone numbers, at most 50, each with its full resource object.
list "zendesk_user_identity" "support_phones" {
  provider         = zendesk
  include_resource = true
  limit            = 50

  config {
    user_ids = [1001, 1002, 1003]
    types    = ["phone_number"]
  }
}
