package seed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// The demo resource library: the documents the seed documents talk about (the council's
// Housing Domestic Abuse Policy, the Dash risk checklist, the MARAC protocol, Safe & Together
// materials, leaflets). National organisations' entries link to their real public websites;
// local documents are fictional, link to example.org or carry a small generated PDF, and say
// "Demo data" in their summary. Two, about the MARAC, are for signed-in staff only.

func init() { demoExtras = append(demoExtras, loadDemoResources) }

// LibraryTopics are the library's demo topics.
var LibraryTopics = []Term{
	{"housing", "Housing"},
	{"risk-assessment", "Risk assessment"},
	{"marac", "MARAC"},
	{"safe-and-together", "Safe & Together"},
	{"children-and-families", "Children and families"},
	{"safety-planning", "Safety planning"},
	{"staying-safe-online", "Staying safe online"},
	{"information-sharing", "Information sharing"},
	{"getting-support", "Getting support"},
}

// LibraryResource is one demo resource: a link (URL) or a generated PDF (PDFLines).
type LibraryResource struct {
	Slug, Title, Summary, Kind string
	Owner                      string // agency slug, "" for none
	Visibility                 string
	URL                        string
	PDFLines                   []string
	Topics                     []string
}

const demoResourceNote = "Demo data: a fictional document for trying out the directory."

// LibraryResources is the demo library.
var LibraryResources = []LibraryResource{
	{Slug: "housing-domestic-abuse-policy", Title: "Housing Domestic Abuse Policy", Kind: "policy",
		Summary: "How the council's housing service supports tenants and applicants experiencing domestic abuse, and how it deals with perpetrators. " + demoResourceNote,
		Owner:   "north-lanarkshire-council-housing", Visibility: Public, URL: "https://example.org/north-lanarkshire/housing-domestic-abuse-policy",
		Topics: []string{"housing", "safety-planning"}},
	{Slug: "dash-risk-checklist", Title: "Dash risk identification checklist (SafeLives)", Kind: "form_checklist",
		Summary: "The Domestic Abuse, Stalking and Harassment (Dash) risk checklist that practitioners use to identify high-risk cases for MARAC, with SafeLives' guidance on using it.",
		URL:     "https://safelives.org.uk/", Visibility: Public, Topics: []string{"risk-assessment", "marac"}},
	{Slug: "marac-operating-protocol", Title: "North Lanarkshire MARAC operating protocol", Kind: "guidance",
		Summary: "Referral thresholds, how to refer by secure email, what happens at the meeting and how actions are followed up. " + demoResourceNote,
		Owner:   "north-lanarkshire-marac", Visibility: Staff, Topics: []string{"marac", "risk-assessment", "information-sharing"},
		PDFLines: []string{"North Lanarkshire MARAC operating protocol", "", "DEMO DATA - a fictional document for trying out the directory.",
			"", "1. Refer cases scoring 14 or more on the Dash risk checklist,", "   or on professional judgement, or where abuse is escalating.",
			"2. Send the referral form and checklist by secure email only.", "3. The MARAC meets every two weeks."}},
	{Slug: "marac-referral-form", Title: "MARAC referral form", Kind: "form_checklist",
		Summary: "The form to send with a completed Dash checklist when referring a high-risk case to the MARAC. " + demoResourceNote,
		Owner:   "north-lanarkshire-marac", Visibility: Staff, URL: "https://example.org/north-lanarkshire/marac-referral-form",
		Topics: []string{"marac", "information-sharing"}},
	{Slug: "safe-and-together-model", Title: "The Safe & Together model", Kind: "website",
		Summary: "The Safe & Together Institute's introduction to the model: partnering with the survivor, keeping children safe and holding the perpetrator accountable as a parent.",
		URL:     "https://safeandtogetherinstitute.com/", Visibility: Public, Topics: []string{"safe-and-together", "children-and-families"}},
	{Slug: "safe-and-together-practice-guide-for-housing", Title: "Safe & Together practice guide for housing staff", Kind: "toolkit",
		Summary: "Applying Safe & Together principles in housing work: language that holds the perpetrator to account, and recording a survivor's protective efforts. " + demoResourceNote,
		Owner:   "north-lanarkshire-council-housing", Visibility: Public, URL: "https://example.org/north-lanarkshire/safe-and-together-housing-guide",
		Topics: []string{"safe-and-together", "housing", "children-and-families"}},
	{Slug: "where-to-get-help-leaflet", Title: "Domestic abuse: where to get help in North Lanarkshire", Kind: "leaflet",
		Summary: "A short leaflet listing local and national helplines and how housing can help. " + demoResourceNote,
		Owner:   "north-lanarkshire-council-housing", Visibility: Public, URL: "https://example.org/north-lanarkshire/where-to-get-help-leaflet",
		Topics: []string{"getting-support", "housing"}},
	{Slug: "scottish-womens-aid", Title: "Scottish Women's Aid: information and support", Kind: "website",
		Summary: "Information for women, children and young people experiencing domestic abuse, and how to find your local Women's Aid group.",
		URL:     "https://womensaid.scot/", Visibility: Public, Topics: []string{"getting-support"}},
	{Slug: "domestic-abuse-and-forced-marriage-helpline", Title: "Scotland's Domestic Abuse and Forced Marriage Helpline website", Kind: "website",
		Summary: "The 24-hour helpline's website, with a web chat and information in several languages.",
		URL:     "https://sdafmh.org.uk/", Visibility: Public, Topics: []string{"getting-support"}},
	{Slug: "tech-safety-guide", Title: "Tech safety guide (Refuge)", Kind: "guidance",
		Summary: "How to secure your phone, accounts and devices if someone may be monitoring you.",
		URL:     "https://refugetechsafety.org/", Visibility: Public, Topics: []string{"staying-safe-online", "safety-planning"}},
	{Slug: "shelter-scotland-domestic-abuse-housing-advice", Title: "Shelter Scotland: housing advice", Kind: "website",
		Summary: "Your housing rights if you are experiencing domestic abuse: staying in your home, leaving safely and homelessness applications.",
		URL:     "https://scotland.shelter.org.uk/", Visibility: Public, Topics: []string{"housing", "getting-support"}},
	{Slug: "clyde-valley-domestic-abuse-policy", Title: "Clyde Valley Housing Association domestic abuse policy", Kind: "policy",
		Summary: "How the association supports tenants experiencing domestic abuse and works with the council's housing domestic abuse champions. " + demoResourceNote,
		Owner:   "clyde-valley-housing-association", Visibility: Public, URL: "https://example.org/clyde-valley/domestic-abuse-policy",
		Topics: []string{"housing"}},
	{Slug: "understanding-coercive-control-video", Title: "Understanding coercive control", Kind: "video",
		Summary:    "A ten-minute video for housing staff on spotting coercive and controlling behaviour. " + demoResourceNote,
		Visibility: Public, URL: "https://example.org/north-lanarkshire/coercive-control-video", Topics: []string{"safety-planning"}},
}

// loadDemoResources upserts the topics and resources. A resource whose slug belongs to one
// that is not demo data is left alone; a demo resource that already matches is not touched.
func loadDemoResources(ctx context.Context, tx pgx.Tx) error {
	topics, err := upsertTerms(ctx, tx, "topics", LibraryTopics)
	if err != nil {
		return err
	}
	for i := range LibraryResources {
		if err := upsertResource(ctx, tx, &LibraryResources[i], topics); err != nil {
			return fmt.Errorf("resource %s: %w", LibraryResources[i].Slug, err)
		}
	}
	return nil
}

func upsertResource(ctx context.Context, tx pgx.Tx, r *LibraryResource, topics map[string]int64) error {
	var ownerID *int64
	if r.Owner != "" {
		var id int64
		err := tx.QueryRow(ctx, `SELECT id FROM agencies WHERE slug = $1`, r.Owner).Scan(&id)
		if err != nil {
			return fmt.Errorf("owner %s: %w", r.Owner, err)
		}
		ownerID = &id
	}
	names := make([]string, 0, len(r.Topics))
	ids := make([]int64, 0, len(r.Topics))
	for _, t := range LibraryTopics { // in the topics' order, as the app writes tags
		for _, s := range r.Topics {
			if s == t.Slug {
				names, ids = append(names, t.Name), append(ids, topics[s])
			}
		}
	}
	if len(ids) != len(r.Topics) {
		return fmt.Errorf("unknown topic in %v", r.Topics)
	}
	tags := strings.Join(names, " ")

	var id int64
	var demo bool
	var oldFile *int64
	var fileSHA []byte
	err := tx.QueryRow(ctx, `SELECT r.id, r.demo, r.file_id, f.sha256 FROM resources r LEFT JOIN resource_files f ON f.id = r.file_id
		WHERE r.slug = $1 FOR UPDATE OF r`, r.Slug).Scan(&id, &demo, &oldFile, &fileSHA)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
	case err != nil:
		return err
	case !demo:
		return nil // a real resource has this slug: leave it be
	}

	// A link, or a file: a new one only when the PDF differs from the one stored.
	var url *string
	var newFile *int64
	if r.URL != "" {
		url = &r.URL
	} else if pdf := libraryDemoPDF(r.PDFLines); !bytes.Equal(librarySHA256(pdf), fileSHA) {
		var fid int64
		err := tx.QueryRow(ctx, `INSERT INTO resource_files (filename, content_type, size, sha256, chunks)
			VALUES ($1, 'application/pdf', $2, $3, 1) RETURNING id`, r.Slug+".pdf", len(pdf), librarySHA256(pdf)).Scan(&fid)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO resource_file_chunks (file_id, n, data) VALUES ($1, 0, $2)`, fid, pdf); err != nil {
			return err
		}
		newFile = &fid
	}

	if id == 0 {
		err = tx.QueryRow(ctx, `INSERT INTO resources (slug, title, summary, kind, owner_id, visibility, url, file_id, tags,
				reviewed_at, review_due, demo)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), `+reviewDue+`, true) RETURNING id`,
			r.Slug, r.Title, r.Summary, r.Kind, ownerID, r.Visibility, url, newFile, tags).Scan(&id)
		if err != nil {
			return err
		}
	} else {
		_, err = tx.Exec(ctx, `UPDATE resources SET title = $2, summary = $3, kind = $4, owner_id = $5, visibility = $6,
				url = $7, file_id = CASE WHEN $7::text IS NOT NULL THEN NULL ELSE coalesce($8::bigint, file_id) END, tags = $9,
				version = version + 1, updated_at = now()
			WHERE id = $1 AND ($8::bigint IS NOT NULL
				OR (title, summary, kind, owner_id, visibility, url, tags) IS DISTINCT FROM ($2, $3, $4, $5, $6, $7, $9))`,
			id, r.Title, r.Summary, r.Kind, ownerID, r.Visibility, url, newFile, tags)
		if err != nil {
			return err
		}
		// A file the resource no longer has is deleted, as the app does.
		if oldFile != nil && (url != nil || newFile != nil) {
			if _, err := tx.Exec(ctx, `DELETE FROM resource_files WHERE id = $1`, *oldFile); err != nil {
				return err
			}
		}
	}
	if _, err := tx.Exec(ctx, `DELETE FROM resource_topics WHERE resource_id = $1 AND NOT (topic_id = ANY($2))`, id, ids); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO resource_topics (resource_id, topic_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, id, ids)
	return err
}

func librarySHA256(b []byte) []byte {
	sum := sha256.Sum256(b)
	return sum[:]
}

// libraryDemoPDF draws lines of text on one A4 page: a small valid PDF, so the demo library has a
// file to download without shipping one.
func libraryDemoPDF(lines []string) []byte {
	var content bytes.Buffer
	content.WriteString("BT /F1 12 Tf 16 TL 72 770 Td\n")
	for _, l := range lines {
		l = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l)
		fmt.Fprintf(&content, "(%s) Tj T*\n", l)
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}
