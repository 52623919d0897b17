package main

import (
	"fmt"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// benExternalID is the id the demo's HR system knows Ben Okafor by: the
// demo finds him by it.
const benExternalID = "emp-2042"

// seed creates the demo users (when defaults) and n generated ones, in a
// fixed order so their IDs are always the same.
func seed(srv *zendesktest.Server, defaults bool, n int) ([]zendesktest.User, error) {
	var users []zendesktest.User
	if defaults {
		ana := srv.AddUser("Ana Lima", "ana@example.com")
		ben := srv.AddUser("Ben Okafor", "ben@example.com", zendesktest.WithExternalID(benExternalID))
		// A messaging identity cannot be created through the API, so the
		// data source gets something only a Zendesk channel could have made.
		extras := []zendesktest.Identity{
			{UserID: ben.ID, Type: "phone_number", Value: "+15551234567", Verified: true},
			{UserID: ben.ID, Type: "messaging", Value: "msg-7f3a9c21e4b8", Verified: true},
		}
		for _, ident := range extras {
			if _, err := srv.AddIdentity(ident); err != nil {
				return nil, fmt.Errorf("seed %s identity for %s: %w", ident.Type, ben.Name, err)
			}
		}
		chloe := srv.AddUser("Chloé Martin", "chloe@example.com", zendesktest.WithRole("agent"))
		users = append(users, ana, ben, chloe)
	}
	for i := 1; i <= n; i++ {
		users = append(users, srv.AddUser(fmt.Sprintf("User %d", i), fmt.Sprintf("user%d@example.com", i)))
	}
	return users, nil
}
