package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
)

// sheetRoutes registers spreadsheets in and out: staff download search results and an
// organisation's contacts as CSV (the handlers answer 404 to the public, as for any page they
// may not see, so those routes sit with the public ones), and admins import a sheet of
// contacts. Applying an import changes what the directory's pages show, so its posts wait for
// the index; the upload alone is the route allowed a file's body.
func (s *Server) sheetRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Get("/directory.csv", s.handle(s.handleDirectoryCSV))
		r.Get("/agencies/{slug}/contacts.csv", s.handle(s.handleAgencyContactsCSV))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin), s.readYourWrites)
		r.Get(importBase, s.handle(s.handleImportContactsForm))
		s.allowBody(http.MethodPost, importBase, maxUploadBody)
		r.Post(importBase, s.handle(s.handleImportContactsUpload))
		r.Get(importBase+"/{token}", s.handle(s.handleImportContactsMap))
		r.Post(importBase+"/{token}", s.handle(s.handleImportContactsMapSave))
		r.Get(importBase+"/{token}/preview", s.handle(s.handleImportContactsPreview))
		r.Post(importBase+"/{token}/apply", s.handle(s.handleImportContactsApply))
	})
}
