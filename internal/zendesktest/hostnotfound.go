package zendesktest

import "net/http"

// notFoundPage is what a host that serves no Zendesk account answers: an
// HTML page, not Zendesk's JSON. The wording is the fake's own; what
// matters is that it is a 404 that does not say a record is gone.
const notFoundPage = `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Page not found</title></head>
<body>
<h1>Oops! The page you were looking for doesn't exist.</h1>
<p>You may have mistyped the address, or the page may have moved.</p>
</body>
</html>
`

// SetHostNotFound switches the fake into (or out of) standing in for a
// host that serves no Zendesk account (see Options.HostNotFound), as when
// a host-mapped domain's mapping is removed between two Terraform runs.
func (s *Server) SetHostNotFound(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hostNotFound = on
}

func (s *Server) isHostNotFound() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hostNotFound
}

func htmlNotFound() reply {
	h := http.Header{}
	h.Set("Content-Type", "text/html; charset=utf-8")
	return reply{status: http.StatusNotFound, header: h, body: []byte(notFoundPage)}
}
