package server

import (
	"net/http"
	"strings"
	"time"

	"dadirectory/internal/directory"
	"dadirectory/templates"
)

// handleContacts lists the key contacts this viewer may see.
func (s *Server) handleContacts(w http.ResponseWriter, r *http.Request) error {
	b := s.base(r)
	p, err := s.contactsPage(r, b)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.Contacts(b, p))
}

// handleContactsPrint is the same list, with local support, as a sheet to print and hand out.
func (s *Server) handleContactsPrint(w http.ResponseWriter, r *http.Request) error {
	b := s.base(r)
	p, err := s.contactsPage(r, b)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, templates.ContactsPrint(b, p))
}

// contactsPage gathers the key contacts without the numbers the page leads with (999 and the
// nation's helpline, which would otherwise be listed twice), the local services, the date the
// sheet is correct on and where to find the latest version.
func (s *Server) contactsPage(r *http.Request, b templates.Base) (templates.ContactsPage, error) {
	ctx, v := r.Context(), viewer(r.Context())
	key, err := s.directory.KeyContacts(ctx, v)
	if err != nil {
		return templates.ContactsPage{}, err
	}
	local, err := s.directory.LocalSupport(ctx, v)
	if err != nil {
		return templates.ContactsPage{}, err
	}
	p := templates.ContactsPage{
		Helplines: directory.WithoutNumbers(key, "999", "112", b.Site.HelplineNumber),
		Local:     local,
		CorrectOn: time.Now(),
		PrintJS:   s.assets.URL("print.js"),
	}
	if s.cfg.BaseURL != nil {
		p.SiteAddress = strings.TrimSuffix(s.cfg.BaseURL.String(), "/") + "/contacts"
	}
	return p, nil
}
