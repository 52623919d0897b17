package zendesktest

import "net/http"

// The identity endpoints. Each reads its request, changes the store under
// the lock, and builds its answer from copies.

func (s *Server) listIdentities(x *exchange) reply {
	if s.opts.StrictTypeFilter {
		if bad := undocumentedTypeFilter(x.r.URL.Query()); bad != "" {
			return errorReply(http.StatusBadRequest, "InvalidValue",
				"type[]: "+bad+" is not a valid filter value. Valid values: "+listFilterTypeNames())
		}
	}
	s.mu.Lock()
	list, err := s.store.identitiesOf(x.route.userID)
	s.mu.Unlock()
	if err != nil {
		return storeErrorReply(err)
	}
	return paginate(x, filterByType(list, x.r.URL.Query()))
}

func (s *Server) createIdentity(x *exchange) reply {
	req, bad := decodeIdentityRequest(x)
	if bad != nil {
		return *bad
	}
	spec := Identity{
		UserID: x.route.userID,
		Type:   deref(req.Identity.Type),
		Value:  deref(req.Identity.Value),
	}
	// Some accounts ignore these flags on create; the provider must then
	// call make_primary and verify itself.
	if !s.opts.IgnoreCreateFlags {
		spec.Primary = deref(req.Identity.Primary)
		spec.Verified = deref(req.Identity.Verified)
	}

	s.mu.Lock()
	created, err := s.store.createIdentity(spec, createOptions{sendsVerification: !req.skipVerifyEmail()})
	s.mu.Unlock()
	if err != nil {
		return storeErrorReply(err)
	}
	rep := jsonReply(http.StatusCreated, identityEnvelope{Identity: encodeIdentity(x.base, created)})
	rep.header.Set("Location", identityURL(x.base, created.UserID, created.ID))
	return rep
}

func (s *Server) showIdentity(x *exchange) reply {
	s.mu.Lock()
	found, err := s.store.identity(x.route.userID, x.route.identityID)
	s.mu.Unlock()
	if err != nil {
		return storeErrorReply(err)
	}
	return jsonReply(http.StatusOK, identityEnvelope{Identity: encodeIdentity(x.base, found)})
}

func (s *Server) updateIdentity(x *exchange) reply {
	req, bad := decodeIdentityRequest(x)
	if bad != nil {
		return *bad
	}
	// "primary" is not writable on update; Zendesk silently ignores it.
	patch := identityPatch{
		Value:              req.Identity.Value,
		Verified:           req.Identity.Verified,
		VerificationMethod: req.Identity.VerificationMethod,
		sendsVerification:  s.opts.VerificationEmailOnValueChange && !req.skipVerifyEmail(),
	}
	s.mu.Lock()
	updated, err := s.store.updateIdentity(x.route.userID, x.route.identityID, patch)
	s.mu.Unlock()
	if err != nil {
		return storeErrorReply(err)
	}
	return jsonReply(http.StatusOK, identityEnvelope{Identity: encodeIdentity(x.base, updated)})
}

func (s *Server) deleteIdentity(x *exchange) reply {
	s.mu.Lock()
	err := s.store.deleteIdentity(x.route.userID, x.route.identityID, s.opts.RefusePrimaryDelete)
	s.mu.Unlock()
	if err != nil {
		return storeErrorReply(err)
	}
	return emptyReply(http.StatusNoContent)
}

func (s *Server) makePrimary(x *exchange) reply {
	s.mu.Lock()
	list, err := s.store.makePrimary(x.route.userID, x.route.identityID)
	s.mu.Unlock()
	if err != nil {
		return storeErrorReply(err)
	}
	return jsonReply(http.StatusOK, identitiesEnvelope{Identities: encodeIdentities(x.base, list)})
}

func (s *Server) verifyIdentity(x *exchange) reply {
	s.mu.Lock()
	verified, err := s.store.verifyIdentity(x.route.userID, x.route.identityID)
	s.mu.Unlock()
	if err != nil {
		return storeErrorReply(err)
	}
	return jsonReply(http.StatusOK, identityEnvelope{Identity: encodeIdentity(x.base, verified)})
}

// requestVerification answers 200 with an empty body, as Zendesk does.
func (s *Server) requestVerification(x *exchange) reply {
	s.mu.Lock()
	err := s.store.requestVerification(x.route.userID, x.route.identityID)
	s.mu.Unlock()
	if err != nil {
		return storeErrorReply(err)
	}
	return emptyReply(http.StatusOK)
}

// notApplied is the answer of a FaultNotApplied: the route's success
// answer, built from the store, which the request leaves as it was. ok is
// false for a route that writes no existing identity.
func (s *Server) notApplied(x *exchange) (rep reply, ok bool) {
	switch x.route.name {
	case RouteUpdate, RouteVerify:
		return s.showIdentity(x), true
	case RouteMakePrimary, RouteDelete, RouteRequestVerification:
	default:
		return reply{}, false
	}
	s.mu.Lock()
	_, err := s.store.identity(x.route.userID, x.route.identityID)
	var list []Identity
	if err == nil && x.route.name == RouteMakePrimary {
		list, err = s.store.identitiesOf(x.route.userID)
	}
	s.mu.Unlock()
	switch {
	case err != nil:
		return storeErrorReply(err), true
	case x.route.name == RouteMakePrimary:
		return jsonReply(http.StatusOK, identitiesEnvelope{Identities: encodeIdentities(x.base, list)}), true
	case x.route.name == RouteDelete:
		return emptyReply(http.StatusNoContent), true
	}
	return emptyReply(http.StatusOK), true
}
