"""The help pages' first content: four topics with the questions customers of the move ask.

Our own text, describing what this shop does, with its labels in «». Editors change it in admin
afterwards; this migration only adds rows whose slug does not exist yet, and never overwrites edits.
"""

import html

import nh3
from django.db import migrations

TOPICS = [
    {
        "slug": "flytting",
        "order": 10,
        "title": "Flytting til ny nettbutikk",
        "title_en": "Moving to the new web shop",
        "intro": "Slik flytter du brukeren din fra dagens nettbutikk til den nye, og hva som skjer underveis.",
        "intro_en": "How to move your user from the current web shop to the new one, and what happens on the way.",
    },
    {
        "slug": "innlogging",
        "order": 20,
        "title": "Innlogging og passord",
        "title_en": "Logging in and passwords",
        "intro": "Brukernavn, glemt passord og hva du gjør når innloggingen ikke virker.",
        "intro_en": "User names, forgotten passwords and what to do when you cannot log in.",
    },
    {
        "slug": "brukere",
        "order": 30,
        "title": "Brukere og tilganger",
        "title_en": "Users and access",
        "intro": "Gi kolleger tilgang, velg riktig rolle og fjern brukere som har sluttet.",
        "intro_en": "Give colleagues access, choose the right role and remove users who have left.",
    },
    {
        "slug": "bestilling",
        "order": 40,
        "title": "Bestilling",
        "title_en": "Ordering",
        "intro": "Handlekurv, hurtigbestilling, priser og tidligere ordre.",
        "intro_en": "Cart, quick order, prices and previous orders.",
    },
]

# (topic slug, question slug, question, answer, question_en, answer_en)
QUESTIONS = [
    # --- Flytting til ny nettbutikk ---------------------------------------------------------------
    (
        "flytting",
        "invitasjon",
        "Jeg har fått en e-post om å flytte til den nye nettbutikken. Hva gjør jeg nå?",
        """<p>E-posten betyr at avdelingen din har gjort kundenummeret klart for flytting. Det tar bare noen minutter:</p>
<ol>
<li>Trykk på lenken i e-posten. Blir du bedt om å logge inn, bruk «Logg inn i dagens nettbutikk» med brukernavnet og passordet du har i dagens nettbutikk.</li>
<li>Du kommer til flytteskjemaet. Navn, e-post og telefon er hentet fra dagens nettbutikk. Rett det som er feil. E-postadressen blir brukernavnet ditt i den nye nettbutikken, så velg en adresse du leser.</li>
<li>Trykk «Flytt meg til ny nettbutikk».</li>
<li>Den nye nettbutikken sender deg en aktiveringse-post. Trykk på lenken i den og velg et nytt passord. Da er du logget inn.</li>
</ol>
<p>Fra nå av logger du inn med «Logg inn» øverst til høyre, med e-postadressen og det nye passordet.</p>""",
        "I got an email about moving to the new web shop. What do I do now?",
        """<p>The email means your branch has made your customer number ready to move. It only takes a few minutes:</p>
<ol>
<li>Click the link in the email. If you are asked to log in, use «Logg inn i dagens nettbutikk» (log in to the current web shop) with the user name and password you use in the current web shop.</li>
<li>You reach the move form. Name, email and phone come from the current web shop. Correct anything that is wrong. The email address becomes your user name in the new web shop, so pick an address you read.</li>
<li>Press «Flytt meg til ny nettbutikk» (move me to the new web shop).</li>
<li>The new web shop sends you an activation email. Click its link and choose a new password. You are then logged in.</li>
</ol>
<p>From then on you log in with «Logg inn» (log in) at the top right, using your email address and the new password.</p>""",
    ),
    (
        "flytting",
        "hvor-er-skjemaet",
        "Hvor finner jeg flytteskjemaet?",
        """<p>Flytteskjemaet ligger bak innloggingen til dagens nettbutikk:</p>
<ul>
<li>Bruk lenken i invitasjonse-posten, eller gå til <a href="/flytt/">flyttesiden</a>.</li>
<li>Velg «Logg inn i dagens nettbutikk» og logg inn med det gamle brukernavnet og passordet.</li>
<li>Er kundenummeret klart for flytting, ser du skjemaet med knappen «Flytt meg til ny nettbutikk» med en gang.</li>
</ul>
<p>Ser du i stedet en side om at brukeren ikke kan flyttes ennå, les <a href="/hjelp/svar/skjema-vises-ikke/">Jeg ser ikke flytteskjemaet</a>.</p>""",
        "Where do I find the move form?",
        """<p>The move form is behind the login of the current web shop:</p>
<ul>
<li>Use the link in the invitation email, or go to the <a href="/flytt/">moving page</a>.</li>
<li>Choose «Logg inn i dagens nettbutikk» (log in to the current web shop) and log in with your old user name and password.</li>
<li>If your customer number is ready to move, the form with the button «Flytt meg til ny nettbutikk» (move me to the new web shop) appears straight away.</li>
</ul>
<p>If you see a page saying your user cannot move yet, read <a href="/hjelp/svar/skjema-vises-ikke/">I do not see the move form</a>.</p>""",
    ),
    (
        "flytting",
        "brukernavn",
        "Hva er brukernavnet mitt?",
        """<p>Det kommer an på hvilken nettbutikk du logger inn i:</p>
<ul>
<li><strong>Dagens nettbutikk:</strong> et eget brukernavn, ikke e-postadressen. Det står i invitasjonse-posten om flytting, sammen med kundenummeret. Finner du det ikke, spør avdelingen din gjennom «Kontakt oss».</li>
<li><strong>Den nye nettbutikken:</strong> e-postadressen din, den du bekreftet i flytteskjemaet eller ble invitert med. Her finnes det ikke noe eget brukernavn.</li>
</ul>""",
        "What is my user name?",
        """<p>That depends on which web shop you log in to:</p>
<ul>
<li><strong>The current web shop:</strong> a separate user name, not your email address. It is in the invitation email about moving, together with the customer number. If you cannot find it, ask your branch through «Kontakt oss» (contact us).</li>
<li><strong>The new web shop:</strong> your email address, the one you confirmed in the move form or were invited with. There is no separate user name.</li>
</ul>""",
    ),
    (
        "flytting",
        "skjema-vises-ikke",
        "Jeg logger inn i dagens nettbutikk, men ser ikke flytteskjemaet",
        """<p>Da er kundenummeret ditt ikke gjort klart for flytting ennå. Avdelingene flytter kundene litt etter litt, og skjemaet vises først når flyttingen er satt i gang for ditt kundenummer. Du får en e-post når det skjer.</p>
<p>Vil du flytte nå?</p>
<ul>
<li>Trykk «Meld interesse» på siden du ser etter innloggingen. Da får avdelingen beskjed.</li>
<li>Eller bruk <a href="/kontakt/?emne=flytting">kontaktskjemaet</a>, velg emnet «Flytting til ny nettbutikk» og skriv kundenummeret ditt.</li>
</ul>
<p>Til da bruker du dagens nettbutikk som før.</p>""",
        "I log in to the current web shop but do not see the move form",
        """<p>Then your customer number has not been made ready to move yet. The branches move customers a few at a time, and the form only appears once the move has started for your customer number. You get an email when that happens.</p>
<p>Want to move now?</p>
<ul>
<li>Press «Meld interesse» (register interest) on the page you see after logging in. Your branch is told.</li>
<li>Or use the <a href="/kontakt/?emne=flytting">contact form</a>, choose the topic «Flytting til ny nettbutikk» (moving to the new web shop) and enter your customer number.</li>
</ul>
<p>Until then, keep using the current web shop as before.</p>""",
    ),
    (
        "flytting",
        "epost-kommer-ikke",
        "Jeg har ikke fått e-posten fra den nye nettbutikken",
        """<p>Det gjelder aktiveringse-posten etter «Flytt meg til ny nettbutikk», og invitasjonen når en kollega har lagt deg til.</p>
<ol>
<li>Vent noen minutter. E-poster sendes fra en kø og kan bruke litt tid.</li>
<li>Se i søppelposten (spam). Bruker firmaet et e-postfilter, kan e-posten ligge i karantene der.</li>
<li>Be om en ny lenke: trykk «Logg inn» øverst til høyre, velg «Aktiver» og skriv e-postadressen du brukte i flytteskjemaet. Av sikkerhetshensyn svarer siden det samme enten adressen finnes eller ikke.</li>
</ol>
<p>Fortsatt ingen e-post, eller skrev du feil adresse i skjemaet? <a href="/kontakt/?emne=flytting">Kontakt oss</a>, så hjelper avdelingen deg.</p>""",
        "I have not received the email from the new web shop",
        """<p>This is about the activation email after «Flytt meg til ny nettbutikk» (move me to the new web shop), and the invitation when a colleague added you.</p>
<ol>
<li>Wait a few minutes. Emails leave from a queue and can take a little while.</li>
<li>Look in your spam folder. If your company uses an email filter, the message may be held in quarantine there.</li>
<li>Ask for a new link: press «Logg inn» (log in) at the top right, choose «Aktiver» (activate) and enter the email address you used in the move form. For your security the page gives the same answer whether or not the address is known.</li>
</ol>
<p>Still no email, or did you type a wrong address in the form? <a href="/kontakt/?emne=flytting">Contact us</a> and your branch will help you.</p>""",
    ),
    (
        "flytting",
        "aktivere",
        "Hvordan aktiverer jeg brukeren min i den nye nettbutikken?",
        """<p>Aktiveringen viser at e-postadressen er din, og det er der du velger passordet til den nye nettbutikken.</p>
<ol>
<li>Åpne aktiveringse-posten og trykk på lenken.</li>
<li>Velg et passord på minst 12 tegn. Flere ord etter hverandre er lett å huske og vanskelig å gjette.</li>
<li>Når passordet er lagret, er brukeren aktivert og du er logget inn.</li>
</ol>
<p>Lenken kan brukes én gang og virker i 7 dager. Har den gått ut, får du en ny med «Aktiver» på innloggingssiden.</p>
<p>Når brukeren er aktivert, er dagens nettbutikk stengt for deg. Se <a href="/hjelp/svar/etter-flyttingen/">hva som skjer etter flyttingen</a>.</p>""",
        "How do I activate my user in the new web shop?",
        """<p>Activation proves the email address is yours, and it is where you choose the password for the new web shop.</p>
<ol>
<li>Open the activation email and click the link.</li>
<li>Choose a password of at least 12 characters. Several words in a row are easy to remember and hard to guess.</li>
<li>Once the password is saved, your user is activated and you are logged in.</li>
</ol>
<p>The link works once and for 7 days. If it has expired, get a new one with «Aktiver» (activate) on the login page.</p>
<p>Once your user is activated, the current web shop is closed to you. See <a href="/hjelp/svar/etter-flyttingen/">what happens after the move</a>.</p>""",
    ),
    (
        "flytting",
        "utsette",
        "Må jeg flytte med en gang, eller kan jeg utsette det?",
        """<p>Du kan utsette flyttingen fram til fristen i invitasjonse-posten. Fristen er 2–4 uker etter invitasjonen, som regel 3 uker.</p>
<ul>
<li>Logg inn med «Logg inn i dagens nettbutikk» og trykk «Utsett» under flytteskjemaet. Da går du videre inn i dagens nettbutikk og handler som før.</li>
<li>Vi minner deg på det med en e-post 7 dager og 1 dag før fristen.</li>
<li>Etter fristen kan du ikke utsette mer: etter innloggingen ser du bare flytteskjemaet.</li>
</ul>
<p>Trenger du mer tid av en spesiell grunn, <a href="/kontakt/?emne=flytting">kontakt avdelingen din</a>.</p>""",
        "Do I have to move straight away, or can I postpone it?",
        """<p>You can postpone the move until the deadline in the invitation email. The deadline is 2–4 weeks after the invitation, usually 3 weeks.</p>
<ul>
<li>Log in with «Logg inn i dagens nettbutikk» (log in to the current web shop) and press «Utsett» (postpone) below the move form. You then go on into the current web shop and shop as before.</li>
<li>We remind you by email 7 days and 1 day before the deadline.</li>
<li>After the deadline you cannot postpone any more: after logging in you only see the move form.</li>
</ul>
<p>If you need more time for a special reason, <a href="/kontakt/?emne=flytting">contact your branch</a>.</p>""",
    ),
    (
        "flytting",
        "etter-flyttingen",
        "Kan jeg fortsatt bruke dagens nettbutikk etter at jeg har flyttet?",
        """<p>Nei. Når du har valgt passord i den nye nettbutikken, stenges dagens nettbutikk for brukeren din. Logger du inn der, får du beskjed om å bruke den nye nettbutikken med e-postadressen din.</p>
<p>Den nye nettbutikken har det de fleste kundene bruker: firmaets priser, «Hurtigbestilling», ordrehistorikk under «Mine ordre» og egne brukere under «Brukere».</p>
<p>Trenger du likevel noe som bare finnes i dagens nettbutikk, kan avdelingen åpne tilgangen din der igjen. <a href="/kontakt/?emne=flytting">Kontakt oss</a> og fortell hva du trenger.</p>""",
        "Can I still use the current web shop after I have moved?",
        """<p>No. Once you have chosen a password in the new web shop, the current web shop is closed to your user. If you log in there, you are told to use the new web shop with your email address.</p>
<p>The new web shop has what most customers use: your company's prices, «Hurtigbestilling» (quick order), order history under «Mine ordre» (my orders) and your own users under «Brukere» (users).</p>
<p>If you still need something only the current web shop has, your branch can open your access there again. <a href="/kontakt/?emne=flytting">Contact us</a> and tell us what you need.</p>""",
    ),
    (
        "flytting",
        "flere-kundenumre",
        "Jeg er bruker på flere kundenumre. Hvordan flytter jeg dem?",
        """<p>Hvert kundenummer flyttes for seg, og du får en invitasjon for hvert av dem. Bruk samme e-postadresse i flytteskjemaet hver gang. Da samles kundenumrene på én bruker i den nye nettbutikken, med ett passord. Finnes adressen fra før, bekrefter du den med lenken vi sender, så legges det nye kundenummeret til.</p>
<p>Når du er logget inn, velger du hvilket firma du handler for i menyen under navnet ditt øverst til høyre («Bytt kunde»).</p>""",
        "I am a user on several customer numbers. How do I move them?",
        """<p>Each customer number moves on its own, and you get an invitation for each. Use the same email address in the move form every time. The customer numbers are then gathered on one user in the new web shop, with one password. If the address already exists, you confirm it with the link we send, and the new customer number is added.</p>
<p>Once logged in, choose which company you are buying for in the menu under your name at the top right («Bytt kunde», switch customer).</p>""",
    ),
    # --- Innlogging og passord --------------------------------------------------------------------
    (
        "innlogging",
        "logge-inn",
        "Hvordan logger jeg inn i den nye nettbutikken?",
        """<p>Trykk «Logg inn» øverst til høyre på hvilken som helst side, og skriv e-postadressen og passordet ditt.</p>
<ul>
<li>Brukernavnet er alltid e-postadressen, også om du hadde et annet brukernavn i dagens nettbutikk.</li>
<li>Det går ikke an å registrere seg selv. Du får tilgang ved å flytte fra dagens nettbutikk, ved at en administrator hos dere legger deg til under «Brukere», eller ved at avdelingen oppretter deg.</li>
</ul>""",
        "How do I log in to the new web shop?",
        """<p>Press «Logg inn» (log in) at the top right of any page, and enter your email address and password.</p>
<ul>
<li>Your user name is always your email address, even if you had a different user name in the current web shop.</li>
<li>You cannot sign up yourself. You get access by moving from the current web shop, by an administrator in your company adding you under «Brukere» (users), or by your branch creating you.</li>
</ul>""",
    ),
    (
        "innlogging",
        "problemer-med-innlogging",
        "Jeg kommer ikke inn. Hva kan jeg sjekke?",
        """<ul>
<li><strong>Riktig e-postadresse:</strong> bruk adressen du bekreftet da du flyttet eller ble invitert. Det gamle brukernavnet virker ikke her.</li>
<li><strong>Ikke aktivert ennå:</strong> har du flyttet eller blitt invitert, men aldri valgt passord, må du først trykke på lenken i e-posten. Trenger du en ny lenke, bruk «Aktiver» på innloggingssiden.</li>
<li><strong>Glemt passord:</strong> bruk «Mistet passord?» på innloggingssiden.</li>
<li><strong>For mange forsøk:</strong> etter flere feil passord stopper vi nye forsøk en liten stund. Vent noen minutter og prøv igjen.</li>
<li><strong>Deaktivert bruker:</strong> er brukeren din deaktivert, må en administrator hos dere eller avdelingen åpne den igjen.</li>
</ul>
<p>Trenger du hjelp, <a href="/kontakt/?emne=innlogging">kontakt oss</a>. Skriv aldri passordet ditt i meldingen.</p>""",
        "I cannot log in. What can I check?",
        """<ul>
<li><strong>The right email address:</strong> use the address you confirmed when you moved or were invited. Your old user name does not work here.</li>
<li><strong>Not activated yet:</strong> if you moved or were invited but never chose a password, click the link in the email first. For a new link, use «Aktiver» (activate) on the login page.</li>
<li><strong>Forgotten password:</strong> use «Mistet passord?» (forgot password) on the login page.</li>
<li><strong>Too many attempts:</strong> after several wrong passwords we stop new attempts for a short while. Wait a few minutes and try again.</li>
<li><strong>Deactivated user:</strong> if your user has been deactivated, an administrator in your company or your branch must open it again.</li>
</ul>
<p>If you need help, <a href="/kontakt/?emne=innlogging">contact us</a>. Never write your password in the message.</p>""",
    ),
    (
        "innlogging",
        "glemt-passord-ny",
        "Jeg har glemt passordet til den nye nettbutikken",
        """<ol>
<li>Trykk «Logg inn» øverst til høyre og deretter «Mistet passord?».</li>
<li>Skriv e-postadressen din. Den er brukernavnet ditt.</li>
<li>Du får en e-post med en lenke der du velger nytt passord. Lenken virker én gang.</li>
</ol>
<p>Av sikkerhetshensyn svarer siden det samme enten adressen finnes hos oss eller ikke. Kommer det ingen e-post, se i søppelposten og sjekk at du skrev adressen du logger inn med. Har du aldri aktivert brukeren, bruk «Aktiver» i stedet.</p>
<p>Det nye passordet gjelder med en gang også i backoffice og mobilappene.</p>""",
        "I have forgotten my password for the new web shop",
        """<ol>
<li>Press «Logg inn» (log in) at the top right and then «Mistet passord?» (forgot password).</li>
<li>Enter your email address. It is your user name.</li>
<li>You get an email with a link where you choose a new password. The link works once.</li>
</ol>
<p>For your security the page gives the same answer whether or not we know the address. If no email arrives, look in your spam folder and check that you typed the address you log in with. If you never activated your user, use «Aktiver» (activate) instead.</p>
<p>The new password applies straight away in the back office and the mobile apps too.</p>""",
    ),
    (
        "innlogging",
        "glemt-passord-dagens",
        "Jeg har glemt passordet til dagens nettbutikk",
        """<ol>
<li>Gå til <a href="/flytt/">flyttesiden</a> («Logg inn i dagens nettbutikk») og trykk «Glemt passord?».</li>
<li>Skriv <strong>brukernavnet</strong> fra dagens nettbutikk, ikke e-postadressen. Brukernavnet står i invitasjonse-posten om flytting.</li>
<li>Vi sender en lenke for nytt passord til e-postadressen som er registrert på brukeren i dagens nettbutikk.</li>
</ol>
<p>Er det ingen e-postadresse registrert, eller kommer du ikke lenger inn på den, <a href="/kontakt/?emne=flytting">kontakt avdelingen</a>. Har du allerede flyttet, trenger du ikke dette passordet: logg inn i den nye nettbutikken med e-postadressen din.</p>""",
        "I have forgotten my password for the current web shop",
        """<ol>
<li>Go to the <a href="/flytt/">moving page</a> («Logg inn i dagens nettbutikk», log in to the current web shop) and press «Glemt passord?» (forgot password).</li>
<li>Enter your <strong>user name</strong> from the current web shop, not your email address. The user name is in the invitation email about moving.</li>
<li>We send a link for a new password to the email address on file for that user in the current web shop.</li>
</ol>
<p>If no email address is on file, or you no longer have access to it, <a href="/kontakt/?emne=flytting">contact your branch</a>. If you have already moved, you do not need this password: log in to the new web shop with your email address.</p>""",
    ),
    (
        "innlogging",
        "ett-passord",
        "Gjelder samme passord i nettbutikken, backoffice og appene?",
        """<p>Ja. Nettbutikken er innloggingen for alle systemene våre: nettbutikken, backoffice og mobilappene. Du har én e-postadresse og ett passord.</p>
<ul>
<li>Bytt passordet ett sted: under «Min konto» i nettbutikken. Når du trykker «Lagre endringer», gjelder det nye passordet overalt.</li>
<li>Godtar en app eller backoffice ikke passordet etter et bytte, logg ut der og logg inn igjen med det nye passordet.</li>
<li>Virker det fortsatt ikke, bytt passordet én gang til under «Min konto», eller med «Mistet passord?» på innloggingssiden, og prøv igjen.</li>
</ul>""",
        "Is the password the same in the web shop, the back office and the apps?",
        """<p>Yes. The web shop is the login for all our systems: the web shop, the back office and the mobile apps. You have one email address and one password.</p>
<ul>
<li>Change your password in one place: under «Min konto» (my account) in the web shop. When you press «Lagre endringer» (save changes), the new password applies everywhere.</li>
<li>If an app or the back office does not accept the password after a change, log out there and log in again with the new password.</li>
<li>If it still does not work, change the password once more under «Min konto», or with «Mistet passord?» (forgot password) on the login page, and try again.</li>
</ul>""",
    ),
    (
        "innlogging",
        "endre-opplysninger",
        "Hvordan endrer jeg navn, telefon, e-post eller passord?",
        """<p>Gå til «Min konto» i menyen under navnet ditt øverst til høyre.</p>
<ul>
<li>Endre navn, telefon eller passord og trykk «Lagre endringer».</li>
<li>Bytter du e-postadresse, sender vi en lenke til den nye adressen. Den nye adressen gjelder først når du har trykket på lenken. Til da logger du inn med den gamle.</li>
</ul>
<p>Husk at e-postadressen er brukernavnet ditt, også i backoffice og appene.</p>""",
        "How do I change my name, phone, email or password?",
        """<p>Go to «Min konto» (my account) in the menu under your name at the top right.</p>
<ul>
<li>Change your name, phone or password and press «Lagre endringer» (save changes).</li>
<li>If you change your email address, we send a link to the new address. The new address applies once you have clicked the link. Until then, log in with the old one.</li>
</ul>
<p>Remember that the email address is your user name, in the back office and the apps too.</p>""",
    ),
    (
        "innlogging",
        "feil-500",
        "Jeg får siden «Noe gikk galt hos oss» (feil 500)",
        """<p>Feil 500 betyr at noe gikk galt hos oss, ikke hos deg. Feilen blir logget, og det du holdt på med er ikke lagret halvveis.</p>
<ol>
<li>Vent noen minutter og prøv igjen. Som regel er feilen borte da.</li>
<li>Skjer det igjen, noter feilkoden som står på siden («Feilkode»).</li>
<li><a href="/kontakt/">Kontakt oss</a> og oppgi feilkoden, hva du prøvde å gjøre og omtrent når. Da finner vi feilen raskere.</li>
</ol>""",
        "I get the page «Noe gikk galt hos oss» (something went wrong on our side, error 500)",
        """<p>Error 500 means something went wrong on our side, not yours. The error is logged, and nothing you were doing has been half saved.</p>
<ol>
<li>Wait a few minutes and try again. Usually the error is gone by then.</li>
<li>If it happens again, note the error code shown on the page («Feilkode», error code).</li>
<li><a href="/kontakt/">Contact us</a> and give the error code, what you were trying to do and roughly when. That helps us find the error faster.</li>
</ol>""",
    ),
    # --- Brukere og tilganger ---------------------------------------------------------------------
    (
        "brukere",
        "legge-til-bruker",
        "Hvordan gir jeg en kollega tilgang?",
        """<p>Er du administrator for firmaet, gjør du det selv:</p>
<ol>
<li>Velg «Brukere» i menyen under navnet ditt øverst til høyre.</li>
<li>Trykk «Legg til bruker», skriv kollegaens e-postadresse og velg rolle.</li>
<li>Kollegaen får en e-post med en lenke for å velge passord, og logger deretter inn med e-postadressen sin.</li>
</ol>
<p>Kommer invitasjonen ikke fram, kan du sende den på nytt fra «Brukere». Er du ikke administrator, spør en administrator hos dere, eller <a href="/kontakt/">kontakt oss</a>.</p>""",
        "How do I give a colleague access?",
        """<p>If you are an administrator for your company, you do it yourself:</p>
<ol>
<li>Choose «Brukere» (users) in the menu under your name at the top right.</li>
<li>Press «Legg til bruker» (add user), enter your colleague's email address and choose a role.</li>
<li>Your colleague gets an email with a link to choose a password, and then logs in with their email address.</li>
</ol>
<p>If the invitation does not arrive, you can send it again from «Brukere». If you are not an administrator, ask one in your company, or <a href="/kontakt/">contact us</a>.</p>""",
    ),
    (
        "brukere",
        "roller",
        "Hvilke roller finnes, og hva kan de?",
        """<ul>
<li>«Administrator»: bestiller, ser firmaets priser og styrer brukerne under «Brukere».</li>
<li>«Innkjøper»: bestiller og ser firmaets priser.</li>
<li>«Lesetilgang»: ser varer og firmaets priser, men kan ikke bestille.</li>
</ul>
<p>En administrator kan endre rollen til de andre brukerne under «Brukere». Et firma har alltid minst én aktiv administrator.</p>""",
        "Which roles are there, and what can they do?",
        """<ul>
<li>«Administrator»: orders, sees the company's prices and manages the users under «Brukere» (users).</li>
<li>«Innkjøper» (buyer): orders and sees the company's prices.</li>
<li>«Lesetilgang» (read only): sees products and the company's prices, but cannot order.</li>
</ul>
<p>An administrator can change the other users' roles under «Brukere». A company always has at least one active administrator.</p>""",
    ),
    (
        "brukere",
        "deaktivere-bruker",
        "En kollega har sluttet. Hvordan fjerner jeg tilgangen?",
        """<p>En administrator åpner «Brukere», finner kollegaen i listen og deaktiverer brukeren. Da kan kollegaen ikke lenger logge inn og handle for firmaet deres. Brukeren kan aktiveres igjen senere fra samme liste.</p>
<p>Den siste aktive administratoren kan ikke deaktiveres. Gi en annen bruker rollen «Administrator» først.</p>""",
        "A colleague has left. How do I remove their access?",
        """<p>An administrator opens «Brukere» (users), finds the colleague in the list and deactivates the user. The colleague can then no longer log in and buy for your company. The user can be reactivated later from the same list.</p>
<p>The last active administrator cannot be deactivated. Give another user the role «Administrator» first.</p>""",
    ),
    (
        "brukere",
        "finner-ikke-brukere",
        "Jeg finner ikke «Brukere» i menyen",
        """<p>«Brukere» vises bare for brukere med rollen «Administrator» hos kunden du handler for nå. Er du med i flere firmaer, sjekk at riktig kunde er valgt i menyen under navnet ditt («Bytt kunde»).</p>
<p>En administrator hos dere kan gi deg rollen. Finnes det ingen administrator som kan hjelpe, <a href="/kontakt/">kontakt oss</a>.</p>""",
        "I cannot find «Brukere» (users) in the menu",
        """<p>«Brukere» is only shown to users with the role «Administrator» for the customer you are currently buying for. If you belong to several companies, check that the right customer is chosen in the menu under your name («Bytt kunde», switch customer).</p>
<p>An administrator in your company can give you the role. If no administrator can help, <a href="/kontakt/">contact us</a>.</p>""",
    ),
    # --- Bestilling -------------------------------------------------------------------------------
    (
        "bestilling",
        "bestille",
        "Hvordan bestiller jeg?",
        """<ol>
<li>Finn varene med søket øverst eller under «Sortiment», og legg dem i handlekurven.</li>
<li>Åpne «Handlekurv» og trykk «Til kassen».</li>
<li>Velg levering til en adresse eller henting på en avdeling. Fyll gjerne ut «Deres referanse» (for eksempel prosjektnummer), ønsket leveringsdato og en kommentar.</li>
<li>Trykk «Send bestilling». Du får en ordrebekreftelse på skjermen og på e-post.</li>
</ol>""",
        "How do I place an order?",
        """<ol>
<li>Find products with the search at the top or under «Sortiment» (products), and add them to the cart.</li>
<li>Open «Handlekurv» (cart) and press «Til kassen» (checkout).</li>
<li>Choose delivery to an address or pickup at a branch. Fill in «Deres referanse» (your reference, for example a project number), a requested delivery date and a comment if you like.</li>
<li>Press «Send bestilling» (place order). You get an order confirmation on screen and by email.</li>
</ol>""",
    ),
    (
        "bestilling",
        "hurtigbestilling",
        "Kan jeg bestille raskt med varenumre?",
        """<p>Ja, med «Hurtigbestilling» i menyen. Lim inn eller last opp linjer med nummer og antall, én vare per linje, skilt med semikolon:</p>
<p><code>1234567;10</code><br><code>7045123;2</code></p>
<p>Varene legges i handlekurven. Se over handlekurven før du trykker «Til kassen».</p>""",
        "Can I order quickly by product number?",
        """<p>Yes, with «Hurtigbestilling» (quick order) in the menu. Paste or upload lines with a number and a quantity, one product per line, separated by a semicolon:</p>
<p><code>1234567;10</code><br><code>7045123;2</code></p>
<p>The products are added to the cart. Check the cart before you press «Til kassen» (checkout).</p>""",
    ),
    (
        "bestilling",
        "tidligere-ordre",
        "Hvor finner jeg tidligere ordre, og kan jeg bestille det samme igjen?",
        """<p>Under «Mine ordre» i menyen under navnet ditt ser du ordrene for kunden du handler for. Åpne en ordre og trykk «Bestill på nytt» for å legge de samme varene i handlekurven. Prisene blir dagens priser.</p>""",
        "Where do I find previous orders, and can I order the same again?",
        """<p>Under «Mine ordre» (my orders) in the menu under your name you see the orders for the customer you are buying for. Open an order and press «Bestill på nytt» (order again) to put the same products in the cart. Prices are today's prices.</p>""",
    ),
    (
        "bestilling",
        "priser",
        "Hvilke priser ser jeg?",
        """<p>Når du er logget inn, ser du firmaets egne nettopriser, eks. mva. Mva vises i handlekurven.</p>
<p>Stemmer en pris ikke med avtalen deres, <a href="/kontakt/?emne=bestilling">kontakt avdelingen</a>.</p>""",
        "Which prices do I see?",
        """<p>When you are logged in, you see your company's own net prices, excluding VAT. VAT is shown in the cart.</p>
<p>If a price does not match your agreement, <a href="/kontakt/?emne=bestilling">contact your branch</a>.</p>""",
    ),
    (
        "bestilling",
        "kan-ikke-bestille",
        "Jeg ser varer og priser, men kan ikke bestille",
        """<p>Da har du rollen «Lesetilgang» hos kunden du handler for. Den gir innsyn i varer og priser, men ikke lov til å bestille. Be en administrator hos dere om å gi deg rollen «Innkjøper» under «Brukere».</p>
<p>Er du med i flere firmaer, sjekk også at riktig kunde er valgt («Bytt kunde»).</p>""",
        "I can see products and prices but cannot order",
        """<p>Then you have the role «Lesetilgang» (read only) for the customer you are buying for. It shows products and prices, but does not allow ordering. Ask an administrator in your company to give you the role «Innkjøper» (buyer) under «Brukere» (users).</p>
<p>If you belong to several companies, also check that the right customer is chosen («Bytt kunde», switch customer).</p>""",
    ),
]

ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "a", "code", "kbd"}


def _clean(value):
    return nh3.clean(value, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto", "tel"}, link_rel="noopener noreferrer").strip()


def _plain(value):
    return " ".join(html.unescape(nh3.clean(value, tags=set(), attributes={})).split())


def load_content(apps, schema_editor):
    Topic = apps.get_model("faq", "Topic")
    Question = apps.get_model("faq", "Question")
    topics = {}
    for data in TOPICS:
        topic, _ = Topic.objects.get_or_create(slug=data["slug"], defaults={k: v for k, v in data.items() if k != "slug"})
        topics[data["slug"]] = topic
    for order, (topic_slug, slug, question, answer, question_en, answer_en) in enumerate(QUESTIONS, start=1):
        answer, answer_en = _clean(answer), _clean(answer_en)
        Question.objects.get_or_create(
            slug=slug,
            defaults={
                "topic": topics[topic_slug],
                "question": question,
                "answer": answer,
                "question_en": question_en,
                "answer_en": answer_en,
                "search_text": _plain(answer),
                "search_text_en": _plain(answer_en),
                "order": order * 10,
            },
        )


def unload_content(apps, schema_editor):
    apps.get_model("faq", "Question").objects.filter(slug__in=[q[1] for q in QUESTIONS]).delete()
    apps.get_model("faq", "Topic").objects.filter(slug__in=[t["slug"] for t in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("faq", "0001_initial")]

    operations = [migrations.RunPython(load_content, unload_content)]
