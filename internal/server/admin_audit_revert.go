package server

import (
	"errors"
	"net/http"
	"net/url"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/templates"
)

// handleAdminAuditRevert undoes one change from the audit trail, if its row is still as that
// change left it; otherwise it answers 409 and says to edit the entry instead.
func (s *Server) handleAdminAuditRevert(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := viewer(ctx)
	done, err := s.audit.Revert(ctx, v, id)
	var refused *audit.RevertRefused
	switch {
	case errors.As(err, &refused):
		page := templates.AuditRevertRefusedPage{Message: refused.Message, Fields: refused.Fields}
		page.EditURL, page.EditLabel = editLink(refused)
		return s.render(w, r, http.StatusConflict, templates.AuditRevertRefused(s.base(r), page))
	case err != nil:
		return err // no such event, or not an admin: edit.ErrNotFound, a 404
	}
	s.log.InfoContext(ctx, "change reverted", "id", RequestIDFrom(ctx), "actor", v.UserID, "event", id,
		"entity", done.EntityType, "entity_id", done.EntityID)
	if done.EntityType == "user" && done.EntityID == v.UserID {
		// Reverting a change to one's own account moves its session epoch on: keep this session.
		u, ok, err := s.accounts.ByID(ctx, v.UserID)
		if err != nil {
			return err
		}
		if err := s.sessions.RenewToken(ctx); err != nil {
			return err
		}
		if ok {
			s.sessions.Put(ctx, sessionEpoch, u.Epoch)
		}
		if !ok || u.Role != access.Admin || !u.Active {
			http.Redirect(w, r, "/", http.StatusSeeOther)
			return nil
		}
	}
	return s.redirectWithFlash(w, r, "/admin/audit", "The change was reverted. The revert is at the top of the trail, and can itself be reverted.")
}

// editLink is where to edit the entry a refused revert was about.
func editLink(e *audit.RevertRefused) (string, string) {
	switch {
	case e.EntityType == "user" && e.EntityID != 0:
		return userPath(e.EntityID), "Edit the user account"
	case e.AgencySlug != "":
		return "/admin/agencies/" + url.PathEscape(e.AgencySlug) + "/edit", "Edit the organisation and its contacts"
	}
	return "", ""
}
