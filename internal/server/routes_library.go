package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"dadirectory/internal/access"
)

// maxUploadBody is what an upload form may send: a 20 MB file (library.MaxFileSize) and the
// form's other fields, with room for the multipart framing.
const maxUploadBody = 21 << 20

// libraryRoutes registers the resource library: browsing for everyone (what each viewer sees
// is decided in the library's SQL), curation for admins, and an RSL officer's own
// organisation's resources. The forms that take a file are the only routes allowed a body
// larger than a form's.
func (s *Server) libraryRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Get("/resources", s.handle(s.handleResources))
		r.Get("/resources/{slug}", s.handle(s.handleResourceShow))
		r.Get("/resources/{slug}/file", s.handle(s.handleResourceFile))
	})

	// The same handlers serve admins under /admin/resources and RSL officers under
	// /my/resources; the library's SQL limits an officer to their own organisation's.
	manage := func(r chi.Router, base string) {
		r.Get(base, s.handle(s.handleManageResources))
		r.Get(base+"/new", s.handle(s.handleResourceNew))
		s.postUpload(r, base+"/new", s.handleResourceCreate)
		r.Get(base+"/{slug}/edit", s.handle(s.handleResourceEdit))
		s.postUpload(r, base+"/{slug}/edit", s.handleResourceUpdate)
		r.Get(base+"/{slug}/archive", s.handle(s.handleResourceArchiveForm))
		r.Post(base+"/{slug}/archive", s.handle(s.handleResourceArchive))
	}
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.Admin))
		manage(r, "/admin/resources")
		r.Post("/admin/resources/{slug}/restore", s.handle(s.handleResourceRestore))
		r.Get("/admin/resource-topics", s.handle(s.handleTopics))
		r.Post("/admin/resource-topics", s.handle(s.handleTopicAdd))
		r.Post("/admin/resource-topics/{slug}", s.handle(s.handleTopicUpdate))
	})
	r.Group(func(r chi.Router) {
		r.Use(s.requireRole(access.RSLOfficer))
		manage(r, "/my/resources")
	})
}

// postUpload registers a form that may carry a file, with the larger body limit.
func (s *Server) postUpload(r chi.Router, pattern string, h handlerFunc) {
	s.allowBody(http.MethodPost, pattern, maxUploadBody)
	r.Post(pattern, s.handle(h))
}
