// Command zendesk-fake serves the fake Zendesk identities API for demos and
// benchmarks.
//
//	go run ./internal/zendesktest/cmd/zendesk-fake -addr 127.0.0.1:0
//
// It seeds a few users, prints on stdout, one per line,
//
//	ZENDESK_URL=http://127.0.0.1:PORT
//	ZENDESK_EMAIL=admin@example.com
//	ZENDESK_API_TOKEN=fake-api-token-0123456789
//	user <id> <email> <name...>
//	...
//	ready
//
// and serves until SIGINT or SIGTERM. "ready" comes last, so a script can
// wait for it. Users get IDs from 1001 and identities from 50001, in creation
// order, so a demo can rely on them: the default seed is Ana Lima (1001),
// Ben Okafor (1002, external id emp-2042, who also has a phone number and a
// messaging identity) and Chloé Martin (1003, an agent); -users N adds
// "User 1" <user1@example.com> and so on.
//
// Flags:
//
//	-addr ADDR               listen address (default 127.0.0.1:0)
//	-rate-limit N            requests per window, 0 = unlimited
//	-rate-limit-window DUR   rate-limit window (default 1m)
//	-rate-limiter NAME       how requests are counted: fixed (windows), bucket
//	                         (refilled continuously) or sliding (window)
//	-other-traffic SHARE     share of the limit other integrations spend (0 to 0.99)
//	-latency DUR             delay every API request
//	-users N                 extra generated users
//	-seed=false              skip the default users
//	-v                       log requests (method, path, status) to stderr
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "zendesk-fake:", err)
		os.Exit(1)
	}
}
