package server

import (
	"net/http"

	"dadirectory/templates"
)

// newChangesShown bounds the dashboard's list of changes since the admin last looked; the
// audit trail has the rest.
const newChangesShown = 50

// handleAdminDashboard shows an admin what needs attention: entries overdue for review, what
// officers and champions changed since this admin last looked (and records that they have
// now looked), and the directory's numbers.
func (s *Server) handleAdminDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	var p templates.AdminDashboardPage
	var err error
	if p.Overdue, p.OverdueTotal, err = s.directory.OverdueReviews(ctx, v, overdueShown); err != nil {
		return err
	}
	if p.Counts, err = s.directory.CurationCounts(ctx, v); err != nil {
		return err
	}
	// Last, so a failure above does not mark changes as seen that were never shown.
	if p.New, err = s.directory.ChangesSinceLastLook(ctx, v, newChangesShown); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.AdminDashboard(s.base(r), p))
}
