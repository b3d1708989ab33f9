package server

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"dadirectory/internal/access"
	"dadirectory/internal/audit"
	"dadirectory/internal/uktime"
	"dadirectory/templates"
)

// handleAdminAuditRevertForm asks before a revert: the event in words, and exactly what the
// revert would put back. An event already reverted says so, with no button.
func (s *Server) handleAdminAuditRevertForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	return s.renderRevertPage(w, r, http.StatusOK, id, false)
}

func (s *Server) renderRevertPage(w http.ResponseWriter, r *http.Request, status int, id int64, done bool) error {
	ctx := r.Context()
	e, err := s.audit.Event(ctx, viewer(ctx), id)
	if err != nil {
		return err // not an admin, or no such event: a 404
	}
	page := templates.AuditRevertPage{Event: e, Preview: s.audit.Preview(e), Done: done}
	if e.RevertedBy == 0 && !s.audit.CanRevert(e) {
		return s.render(w, r, http.StatusConflict, templates.AuditRevertRefused(s.base(r),
			templates.AuditRevertRefusedPage{Message: "This kind of event cannot be reverted here."}))
	}
	return s.render(w, r, status, templates.AuditRevert(s.base(r), page))
}

// handleAdminAuditRevert undoes one change from the audit trail once the admin has confirmed
// (confirm=1) on the page that says what it will do; a post without it shows that page and
// changes nothing. The row must still be as that change left it; otherwise it answers 409 and
// says to edit the entry instead. Asking again for a revert already done changes nothing.
func (s *Server) handleAdminAuditRevert(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return badForm(err)
	}
	if r.PostForm.Get("confirm") != "1" {
		return s.renderRevertPage(w, r, http.StatusOK, id, false)
	}
	ctx := r.Context()
	v := viewer(ctx)
	event, err := s.audit.Event(ctx, v, id)
	if err != nil {
		return err
	}
	done, err := s.audit.Revert(ctx, v, id)
	var refused *audit.RevertRefused
	switch {
	case errors.As(err, &refused) && refused.RevertedBy != 0:
		return s.renderRevertPage(w, r, http.StatusOK, id, true)
	case errors.As(err, &refused):
		page := templates.AuditRevertRefusedPage{Message: refused.Message, Fields: s.audit.FieldLabels(refused.EntityType, refused.Fields)}
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
	return s.redirectWithFlash(w, r, "/admin/audit#event-"+strconv.FormatInt(done.EventID, 10), revertedMessage(event))
}

// revertedMessage says what a revert did, naming the change it undid.
func revertedMessage(e audit.Entry) string {
	what := e.What()
	if which := e.Entity(); which != "" {
		what += " " + which
	}
	if e.AgencyName != "" {
		what += " (" + e.AgencyName + ")"
	}
	verb := "Reverted"
	if e.Reverts != 0 {
		verb = "Undid the revert"
	}
	msg := verb + ": " + what + ", " + uktime.DateTime(e.At) + "."
	return msg + " The revert is at the top of the trail; “Undo this revert” beside it asks before putting the change back."
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
