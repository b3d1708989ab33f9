// Package mail sends the directory's emails: invitations, password resets, review reminders,
// problem reports and changes to watched organisations. Features write a Letter inside the
// transaction of the change that causes it (Outbox.Send); the job queue delivers it later,
// with retries, through SMTP or, in dev, to the mailbox page /dev/mail.
package mail

import (
	"bytes"
	"html/template"
	"strings"
)

// Letter is an email as features write it: plain words and links, which Compose turns into a
// plain-text part and an HTML part. There are no images, remote resources or tracking: the
// HTML part is the text part with its links made clickable.
type Letter struct {
	To       string // one address: nobody's address is shown to another recipient
	Subject  string
	Greeting string   // "Hello Sam,"
	Lines    []string // paragraphs, in order
	Actions  []Link   // the links the email is for, each on a line of its own
	Sections []Section
	Footer   string // why the person is getting this email
}

// Link is a link in an email: what it does and its absolute address.
type Link struct {
	Label string
	URL   string
}

// Section is a heading with a list under it (the overdue entries of one organisation).
type Section struct {
	Heading string
	Items   []Link // an item without a URL is plain text
}

// Message is a composed email: what the queue stores and a Sender sends.
type Message struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
}

// Compose renders l as a Message, signed by site.
func Compose(l Letter, site string) Message {
	var t strings.Builder
	para := func(s string) {
		if t.Len() > 0 {
			t.WriteString("\n\n")
		}
		t.WriteString(s)
	}
	if l.Greeting != "" {
		para(l.Greeting)
	}
	for _, line := range l.Lines {
		para(line)
	}
	for _, a := range l.Actions {
		para(a.Label + ":\n" + a.URL)
	}
	for _, s := range l.Sections {
		var b strings.Builder
		b.WriteString(s.Heading)
		for _, it := range s.Items {
			b.WriteString("\n- " + it.Label)
			if it.URL != "" {
				b.WriteString("\n  " + it.URL)
			}
		}
		para(b.String())
	}
	para("-- \n" + site)
	if l.Footer != "" {
		t.WriteString("\n" + l.Footer)
	}
	var h bytes.Buffer
	if err := htmlLetter.Execute(&h, struct {
		Letter
		Site string
	}{l, site}); err != nil {
		// The template is fixed and its data plain strings: it cannot fail at run time.
		panic(err)
	}
	return Message{To: l.To, Subject: oneLine(l.Subject), Text: t.String() + "\n", HTML: h.String()}
}

// oneLine keeps a subject on one line whatever a feature put in it.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// htmlLetter is the HTML part. html/template escapes every value, and refuses any link that
// is not http(s) or mailto.
var htmlLetter = template.Must(template.New("letter").Parse(`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Subject}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;color:#0b0c0c;max-width:40em;margin:0 auto;padding:16px">
{{if .Greeting}}<p>{{.Greeting}}</p>{{end}}
{{range .Lines}}<p>{{.}}</p>
{{end}}{{range .Actions}}<p><a href="{{.URL}}" style="color:#1d70b8;font-weight:bold">{{.Label}}</a></p>
{{end}}{{range .Sections}}<h2 style="font-size:18px;margin:24px 0 8px">{{.Heading}}</h2>
<ul>{{range .Items}}<li>{{if .URL}}<a href="{{.URL}}" style="color:#1d70b8">{{.Label}}</a>{{else}}{{.Label}}{{end}}</li>{{end}}</ul>
{{end}}<hr style="border:0;border-top:1px solid #b1b4b6;margin-top:24px">
<p style="font-size:14px;color:#505a5f">{{.Site}}{{if .Footer}}<br>{{.Footer}}{{end}}</p>
</body></html>
`))
