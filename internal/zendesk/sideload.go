package zendesk

// Zendesk documents no cap on the identities that show_many sideloads per
// user, and the client does not count on there being none. Were there a
// cap, every user with more identities than the cap would come with exactly
// the cap, and none with more: the most identities sideloaded for one user,
// in any answer of the run, is at most the cap. So a user sideloaded with
// fewer than that has them all, whatever the cap, and a user sideloaded
// with that many may have been cut: its list decides. A user sideloaded
// with none is listed too, since a user Zendesk does not know, or a deleted
// one, looks the same.
//
// A cap below minSideloadCap is not counted on: a user sideloaded with
// fewer identities than that has them all. Without that floor, users that
// all have one or two identities, as most users do, would each cost a list,
// since a cap of one or two would bring the same answer.
//
// The most is kept for the whole run, not per answer: once an answer
// brought a user with 7 identities, a later answer whose users have 3 at
// most is whole. Without a cap, the cost is a list of each user at the
// run's most so far, when that is minSideloadCap or more: a few users when
// users have different numbers of identities, every user of an answer whose
// users all have as many as the most, since a cap of that number would
// bring exactly the same answer.

// minSideloadCap is the smallest cap on sideloaded identities the client
// allows for.
const minSideloadCap = 5

// wholeSideloads tells, for each user of one show_many answer, whether the
// identities sideloaded for it are all it has (see above). It counts the
// answer into the run's most first.
func (r *reader) wholeSideloads(byUser map[int64][]Identity) map[int64]bool {
	most := 0
	for _, identities := range byUser {
		most = max(most, len(identities))
	}
	r.mu.Lock()
	r.mostSideloaded = max(r.mostSideloaded, most)
	most = r.mostSideloaded
	r.mu.Unlock()
	whole := make(map[int64]bool, len(byUser))
	for userID, identities := range byUser {
		n := len(identities)
		whole[userID] = n > 0 && (n < most || n < minSideloadCap)
	}
	return whole
}
