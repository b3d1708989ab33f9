package server

import (
	"net/http"
	"strconv"
	"strings"

	"dadirectory/internal/validate"
	"dadirectory/templates"
)

// newChangesShown bounds the dashboard's list of changes not yet marked seen; the audit
// trail has the rest.
const newChangesShown = 50

// handleAdminDashboard shows an admin what needs attention: what officers and champions
// changed that this admin has not marked as seen, entries overdue for review, and the
// directory's numbers. It is also the admin's home page (/), so the two never differ.
func (s *Server) handleAdminDashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v := viewer(ctx)
	p := templates.AdminDashboardPage{Flash: s.popFlash(r)}
	var err error
	if p.Overdue, p.OverdueTotal, err = s.directory.OverdueReviews(ctx, v, overdueShown); err != nil {
		return err
	}
	if p.Counts, err = s.directory.CurationCounts(ctx, v); err != nil {
		return err
	}
	if p.New, err = s.directory.UnseenChanges(ctx, v, newChangesShown); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.AdminDashboard(s.base(r), p))
}

// handleAdminChangesSeen marks the changes the dashboard listed, up to the audit event in
// upto, as seen by this admin.
func (s *Server) handleAdminChangesSeen(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	upto, err := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get("upto")), 10, 64)
	if err != nil || upto <= 0 {
		return badForm(validate.Errors{{Field: "upto", Message: "The list of changes to mark as seen was not recognised. Open the dashboard again."}})
	}
	if err := s.directory.MarkChangesSeen(r.Context(), viewer(r.Context()), upto); err != nil {
		return err
	}
	return s.redirectWithFlash(w, r, "/admin", "The changes are marked as seen. The audit trail keeps them all.")
}
