# By user id and identity id: <user_id>:<identity_id>
terraform import zendesk_user_identity.signup_email 1001:50001

# or by user id, type and value: <user_id>:<type>:<value>
terraform import zendesk_user_identity.signup_email 1001:email:ana@example.com

# a phone number, in any spelling of its digits (E.164 is the one Zendesk
# accepts everywhere)
terraform import zendesk_user_identity.phone 1001:phone_number:+15550102001
