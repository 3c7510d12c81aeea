# realistic_v3, part 2: texts 41-80. (genre, country, marked_text); see ../README.md
RECORDS = [
("appointment_reminder", "NO", """Hei [[PERSON:Sigrid]]! Timen din hos tannlege [[PERSON:Haugland]] er flyttet til fredag 14. juni kl. 08.30. Adresse: [[STREET_ADDRESS:Storgata 41, 2. etg., 0182 Oslo]]. Avbestilling senest 24 t før på [[PHONE_NUMBER:412 83 907]]. Mvh Tannhelse Sentrum"""),

("hr_note", "NO", """Lønnsendring fra 01.07: [[PERSON:Ingrid Bakke Solheim]], f.nr. [[NATIONAL_ID~no_fnr:170389412??]], går opp til lønnstrinn 58. Utbetaling til kontonr. [[ACCOUNT_NUMBER~no_kontonr:1503.41.8273?]]. Godkjent av avdelingsleder [[PERSON:Tor Erik Dahl]]. [[PERSON:Ingrid]] har bedt om at slippen sendes til privat e-post [[EMAIL_ADDRESS:ingrid.b.solheim@online.no]]."""),

("email", "DK", """Hej [[PERSON:Mads]],

tak for snakken i går. Som aftalt sender jeg mine oplysninger til lønsystemet:
CPR: [[NATIONAL_ID~dk_cpr:120586-418?]]
Reg.nr. 9570, kontonr. [[ACCOUNT_NUMBER:0012418273]]
Adresse: [[STREET_ADDRESS:Jagtvej 113, 3. tv., 2200 København N]]

Venlig hilsen
[[PERSON:Freja Holm Kristensen]]
[[PHONE_NUMBER:+45 31 72 84 19]]"""),

("support_ticket", "FI", """Tilausnumero 88-412093: tilasin kaksi kappaletta tuotetta Fiskars-lumilapio (tuotekoodi 1057177), mutta sain vain yhden. Paketti tuli Matkahuollon kautta Tampereelle 3.1.2024. Lasku oli 79,80 EUR. Voitteko lähettää puuttuvan tuotteen tai hyvittää puolet? Kiitos."""),

("medical_intake", "FI", """Esitiedot / päivystys
Potilas: [[PERSON:Virtanen Aino Maria]], hetu [[NATIONAL_ID~fi_hetu:140592-318^]]
Osoite: [[STREET_ADDRESS:Hämeenkatu 12 B 34, 33100 Tampere]]
Omainen: puoliso [[PERSON:Juha]], p. [[PHONE_NUMBER:040 718 2294]]
Tulosyy: kuume 3 vrk, yskä. Lääkitys: ei säännöllistä. Allergiat: ei tiedossa."""),

("travel_booking", "GR", """Επιβεβαίωση κράτησης #HTL-55821
Όνομα: [[PERSON:Παπαδοπούλου Ελένη]]
Αρ. διαβατηρίου: [[PASSPORT:AN4182739]]
Ξενοδοχείο: Aegean Blue Suites, Νάξος, 3 νύχτες (12-15/07)
ΑΦΜ για τιμολόγιο: [[NATIONAL_ID~gr_afm:04182739?]]
Τηλέφωνο: [[PHONE_NUMBER:694 182 7305]]
Email: [[EMAIL_ADDRESS:eleni.papad@yahoo.gr]]
Σημείωση πελάτη: «Θα έρθει και η αδελφή μου η [[PERSON:Κατερίνα]], αργά το βράδυ.»"""),

("crm_note", "CZ", """Zákazník [[PERSON:Tomáš Dvořák]] volal kvůli vrácení pračky (obj. 2024-118834). Rodné číslo uvedl sám, i když jsme ho nepotřebovali: [[NATIONAL_ID~cz_rc:850412/318?]]. Vyzvednutí na adrese [[STREET_ADDRESS:Křižíkova 1511/48, 186 00 Praha 8]] ve středu. Kontakt [[PHONE_NUMBER:603 418 275]], případně manželka [[PERSON:Lucie]]."""),

("json_snippet", "RO", '''Salut, API-ul returnează 500 pentru clientul ăsta, poți să te uiți?
{"request_id": "c81f-2291", "nume": "[[PERSON:Ionescu]]", "prenume": "[[PERSON:Andreea-Maria]]", "cnp": "[[NATIONAL_ID~ro_cnp:294071240318?]]", "adresa": "[[STREET_ADDRESS:Str. Observatorului 52, bl. C3, sc. 2, ap. 14, Cluj-Napoca 400363]]", "telefon": "[[PHONE_NUMBER:0721 384 927]]", "iban": "[[IBAN_CODE:RO??BTRLRONCRT0418273901]]"}'''),

("chat_transcript", "IL", """[[USERNAME:noa_levi91]]: היי, ההזמנה שלי לא הגיעה
נציג: שלום! אפשר מספר טלפון לאימות?
[[USERNAME:noa_levi91]]: [[PHONE_NUMBER:052-738-4192]]
נציג: תודה [[PERSON:נועה]]. הכתובת למשלוח היא [[STREET_ADDRESS:רחוב הרצל 58 דירה 12, חיפה]]?
[[USERNAME:noa_levi91]]: כן. ואם צריך, ת.ז. [[NATIONAL_ID~il_id:03841729?]]"""),

("sms", "AE", """عرض خاص! خصم 30% على جميع العطور في فروعنا في دبي وأبوظبي حتى 31 مايو. استخدم الرمز SUMMER30 عند الدفع. رقم العرض: PRM-2024-0771. للإلغاء أرسل STOP."""),

("support_ticket", "SA", """السلام عليكم، أنا [[PERSON:عبدالله بن سعيد القحطاني]]، رقم الهوية [[NATIONAL_ID~sa_id:108273941?]]. تم خصم مبلغ 450 ريال من حسابي مرتين. رقم الجوال المسجل [[PHONE_NUMBER:055 418 2736]] والعنوان الوطني [[STREET_ADDRESS:8228 طريق الملك فهد، حي العليا، الرياض 12214]]. أرجو إعادة المبلغ إلى الآيبان [[IBAN_CODE:SA??8000 0418 6080 1017 3922]]. شكراً"""),

("email", "EG", """Dear [[PERSON:Khaled]],
As discussed, the deposit for the Sheikh Zayed apartment can be transferred to [[IBAN_CODE:EG??0019 0005 0000 0004 1827 3917 2]]. Please bring a copy of your national ID ([[NATIONAL_ID:29104120103184]]) when you sign the lease. Site address: [[STREET_ADDRESS:Villa 27, Street 14, 6th District, Sheikh Zayed City, Giza]].
Regards,
[[PERSON:Mona Farouk]]
Broker - Nile Key Properties
[[PHONE_NUMBER:0100 428 3917]]"""),

("app_log", "CN", """[2024-05-20 14:03:11] ERROR OrderService - 用户 [[USERNAME:wanglei_88]] 下单失败：收货地址校验不通过 address="[[STREET_ADDRESS:广东省深圳市南山区科技园南路 18 号 A 栋 2105 室]]" phone=[[PHONE_NUMBER:138 1742 6093]] name=[[PERSON:王磊]]
[2024-05-20 14:03:11] DEBUG 实名认证 id_card=[[NATIONAL_ID~cn_ric:44030519880614321^]] result=MISMATCH"""),

("marketplace_message", "PH", """Hi po! Available pa po ba yung rice cooker? Pa-reserve po ako, pick up ko bukas. Kung di pwede meet up, pa-ship na lang po sa [[STREET_ADDRESS:Blk 12 Lot 7, Phase 2, Mabuhay Homes, Brgy. San Isidro, Cainta, Rizal 1900]]. Name: [[PERSON:Ma. Cristina Dela Cruz]], [[PHONE_NUMBER:0917 482 3019]]. FB ko: [[URL_PERSONAL:facebook.com/cristina.delacruz.ph]]. GCash na lang po ako magbabayad. Salamat po!"""),

("insurance_intake", "IE", """New claim - home contents
Policyholder: [[PERSON:Siobhán Ní Bhriain]]
Policy no: [[ACCOUNT_NUMBER:HCP-2230-418-27]]
PPSN: [[NATIONAL_ID~ie_pps:7418273*A]]
Risk address: [[STREET_ADDRESS:Apt 14, The Granary, Mill Lane, Bandon, Co. Cork, P72 XK38]]
Loss: water damage from upstairs flat (neighbour [[PERSON:Declan]] aware). Laptop + sofa, est. EUR 2,150. Contact [[PHONE_NUMBER:087 418 2739]]."""),

("meeting_notes", "XX", """Q3 planning - notes
- Migrate checkout to payments SDK 5.2 (blocked on PCI scan, due 15 Aug)
- Warehouse in Rotterdam moves to 24/7 ops from September; Lisbon stays 2 shifts
- KPI: refund SLA 48h -> 24h, CSAT target 4.6
- Vendor shortlist: Northwind Logistics, Contoso Freight, Globex
- Budget ask: EUR 240k capex, 3 FTE
Owners TBD at next review (week 32)."""),

("shipping_label", "AT", """ABSENDER: MÖBELWERK KRAMSACH GMBH, [[STREET_ADDRESS:GEWERBEPARK 4, 6233 KRAMSACH]]
EMPFÄNGER:
MAG. [[PERSON:THERESA HUBER-STEINER]]
[[STREET_ADDRESS:WIEDNER HAUPTSTRASSE 65/2/14
1040 WIEN]]
ÖSTERREICH
TEL [[PHONE_NUMBER:+43 664 3918274]]
PAKET 2/3 - 31,5 KG - SPERRGUT"""),

("email", "CH", """Grüezi Frau [[PERSON:Bühler]]

Besten Dank für Ihre Anmeldung. Für die Lohnabrechnung benötigen wir noch Ihre AHV-Nummer; Sie haben [[NATIONAL_ID~ch_ahv:756.4182.7391.0?]] angegeben - bitte kurz bestätigen. Die Auszahlung erfolgt auf [[IBAN_CODE:CH?? 0900 0000 8418 2739 1]].

Freundliche Grüsse
[[PERSON:Reto Gasser]]
Personaldienst
[[PHONE_NUMBER:079 384 21 57]]"""),

("sms", "PT", """[[PERSON:Rita]], o estafeta passou às 15h e não estava ninguém. Nova tentativa amanhã. Morada: [[STREET_ADDRESS:Rua Damasceno Monteiro 47, 2.º Esq., 1170-108 Lisboa]]. Se preferir levantar numa loja, responda 1. Dúvidas: [[PHONE_NUMBER:912 384 750]]. Envio PT-88420173."""),

("invoice_note", "PT", """Fatura FT 2024/1183 - Cliente: [[PERSON:Nuno Miguel Carvalho]], NIF [[NATIONAL_ID~pt_nif:24182739?]]
Morada fiscal: [[STREET_ADDRESS:Av. da Boavista 1203, 4.º andar, sala 407, 4100-130 Porto]]
Serviço: manutenção de ar condicionado (2 unidades), 180,00 EUR + IVA 23% = 221,40 EUR
Pagamento por transferência para [[IBAN_CODE:PT50 0035 0418 0002 7391 852? ?]]"""),

("call_transcript", "NZ", """Rep: Kia ora, you're through to Harbour Power, it's [[PERSON:Aroha]].
Customer: hi, yeah, moving house, need to shift the account.
Rep: No worries. Account number?
Customer: [[ACCOUNT_NUMBER:5512 0418 273]]. Name's [[PERSON:Liam Te Huia]].
Rep: Thanks [[PERSON:Liam]]. New address?
Customer: [[STREET_ADDRESS:14B Kowhai Road, Mairangi Bay, Auckland 0630]]. Mobile's [[PHONE_NUMBER:021 482 7391]]."""),

("chat_transcript", "ES", """Cliente: Hola, quería saber si la funda nórdica Zara Home "Linen Wash" en 160x200 vuelve a estar disponible.
Asistente virtual Lola: ¡Hola! Ese artículo (ref. 4417/203/052) está agotado en Madrid y Valencia, pero hay stock online. Precio: 59,99 EUR.
Cliente: ¿Y el envío a Canarias?
Asistente virtual Lola: El envío a Canarias tarda 5-7 días laborables y cuesta 9,95 EUR."""),

("csv_snippet", "US", """Can you dedupe these? Export from the CRM, rows 41-43:
first,last,email,phone,zip,dl_state,dl_number
[[PERSON:Brianna]],[[PERSON:Okafor-Reyes]],[[EMAIL_ADDRESS:bri.okafor@icloud.com]],[[PHONE_NUMBER:415-555-0192]],[[ZIP_CODE:94110]],CA,[[US_DRIVER_LICENSE:D4827391]]
[[PERSON:Bri]],[[PERSON:Okafor Reyes]],[[EMAIL_ADDRESS:briokafor@gmail.com]],[[PHONE_NUMBER:(415) 555-0192]],[[ZIP_CODE:94110]],,
[[PERSON:Dan]],[[PERSON:McAllister]],[[EMAIL_ADDRESS:dmcallister@example.com]],[[PHONE_NUMBER:512-555-0137]],[[ZIP_CODE:78704]],TX,[[US_DRIVER_LICENSE:41827390]]"""),

("hr_note", "US", """Onboarding call w/ [[PERSON:Gabe Lindholm]] (legal name [[PERSON:Gabriel Lindholm]]). I-9 docs: US passport [[PASSPORT:A04182739]], SSN [[US_SSN:531-72-4409]]. Lives at [[STREET_ADDRESS:3318 N Racine Ave Apt 2F, Chicago, IL 60657]]. Prefers text: [[PHONE_NUMBER:312-555-0177]]. Start date 6/17, laptop ships Fri."""),

("appointment_reminder", "DE", """Terminerinnerung: Ihr Termin in der Praxis Dr. med. [[PERSON:Annette Ruhl]] am Mo, 03.06.2024 um 10:15 Uhr. Bitte bringen Sie Ihre Versichertenkarte mit (Versichertennr. [[ACCOUNT_NUMBER:K418273905]]). Praxisadresse: [[STREET_ADDRESS:Lindenallee 22, 2. OG, 50968 Köln]]. Absagen bitte bis 24 h vorher unter [[PHONE_NUMBER:0221 4718 2930]]."""),

("server_log", "XX", """Traceback (most recent call last):
  File "/srv/app/notify.py", line 88, in send
    client.messages.create(to="[[PHONE_NUMBER:+44 20 7946 0321]]", body=msg)
twilio.base.exceptions.TwilioRestException: HTTP 401 error: Unable to create record: Authenticate
  auth_token=[[SECRET:9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a]]
  notify_on_fail=[[EMAIL_ADDRESS:ops-alerts@example.org]]"""),

("llm_prompt", "DE", '''Du bist ein Assistent für unseren Kundenservice. Formuliere eine Antwort an den Kunden unten, entschuldige dich für die Verzögerung und biete 10 % Rabatt an.

Kundendaten:
Name: [[PERSON:Friedrich-Wilhelm von Stetten]]
Kundennr.: [[ACCOUNT_NUMBER:100418273]]
Wohnort-PLZ: [[ZIP_CODE:80469]]
E-Mail: [[EMAIL_ADDRESS:fw.stetten@web.de]]
IBAN (Lastschrift): [[IBAN_CODE:DE?? 5001 0517 0418 2739 18]]
Nachricht: "Seit drei Wochen warte ich auf die Gutschrift. So nicht, Herr [[PERSON:Albers]]!"'''),

("form_comment", "BR", """Comentário do formulário: Gostaria de saber se a promoção Black Friday (cupom BF2024) vale para o iPhone 15 de 128 GB. No site aparece R$ 4.999,00 mas no app R$ 5.299,00. Moro em Curitiba, a entrega seria pela Jadlog? Pedido ainda não finalizado."""),

("hr_note", "IN", """Offer letter details - please verify before HR sends:
Candidate: [[PERSON:Karthik Subramaniam]]
DOB: [[DATE_OF_BIRTH:19-Aug-1996]]
PAN: [[NATIONAL_ID:DKLPS7730R]]
Aadhaar: [[NATIONAL_ID~in_aadhaar:8419 2730 418?]]
Permanent address: [[STREET_ADDRESS:No. 14, 3rd Cross, Malleshwaram, Bengaluru 560003]]
CTC: Rs 18.5 LPA
Reporting manager: [[PERSON:Neha Kapoor]] ji"""),

("sms", "CO", """Bancolombia te informa: transferencia por $350.000 a [[PERSON:LUISA FERNANDA OSPINA]] desde tu cta *4471 el 18/05 a las 19:42. Si no la reconoces, comunícate desde la app. No compartas tus claves."""),

("yaml_snippet", "XX", """k8s secret got committed in plain text, rotate pls:
apiVersion: v1
kind: Secret
metadata:
  name: payments-prod
stringData:
  STRIPE_KEY: [[SECRET:rk_live_51NqT8xE2bV7cY3kL9mZ0pR4s]]
  DB_URL: postgres://[[USERNAME:pay_rw]]:[[SECRET:Qm7!vR2xLp9]]@[[IP_ADDRESS:10.0.12.5]]:5432/payments
  AWS_ACCESS_KEY_ID: [[SECRET:AKIAZ4Q7M2XR8TN3LP5W]]"""),

("email", "US", """Thanks [[PERSON:Ramona]] - yes, Thursday 2pm PT works.

[[PERSON:Devika Iyer]]
Senior Recruiter | Brightline Talent
[[PHONE_NUMBER:(206) 555-0164]] | [[URL_PERSONAL:linkedin.com/in/devika-iyer-recruits]]

On Tue, May 14, 2024 at 9:03 AM [[PERSON:Ramona Castellanos]] <[[EMAIL_ADDRESS:ramona.castellanos@protonmail.com]]> wrote:
> Hi [[PERSON:Devika]], I'm available Thursday or Friday afternoon. My portfolio is at [[URL_PERSONAL:https://ramonacastellanos.design]]"""),

("chat_transcript", "HU", """[[USERNAME:kovacs.peti]]: szia, a csomagautomatás cím nem jó, át tudnád írni?
[[USERNAME:ugyfelszolgalat_anna]]: Szia! Persze, mi legyen az új cím?
[[USERNAME:kovacs.peti]]: [[STREET_ADDRESS:1137 Budapest, Pozsonyi út 38. 3. em. 2.]], [[PERSON:Kovács Péter]] névre. tel: [[PHONE_NUMBER:+36 30 418 2736]]
[[USERNAME:ugyfelszolgalat_anna]]: Kész, [[PERSON:Péter]], módosítottam."""),

("medical_intake", "HU", """Felvételi lap - belgyógyászat
Beteg: [[PERSON:Szabó Katalin]]
Születési dátum: [[DATE_OF_BIRTH:1958. 03. 21.]]
TAJ: [[NATIONAL_ID~hu_taj:041 827 39?]]
Lakcím: [[STREET_ADDRESS:6720 Szeged, Kárász utca 11. fszt. 2.]]
Hozzátartozó: lánya, [[PERSON:Nagy-Szabó Eszter]], [[PHONE_NUMBER:06 1 482 7391]]
Panasz: mellkasi nyomás 2 napja, terheléskor rosszabb."""),

("form_comment", "SG", """Feedback: Delivery guy left the parcel at the lift lobby, not my door. Pls call me next time, [[PHONE_NUMBER:9127 4830]]. Address is [[STREET_ADDRESS:Blk 418 Tampines St 41, #08-273, Singapore 520418]]. Order SG-771-0093. Thanks, [[PERSON:Jasmine Tan]]"""),

("invoice_note", "PL", """Faktura VAT nr FV/2024/05/0193
Pozycja: krzesło biurowe ERGO-2 (kod EAN 5901234123457) x 4, cena jedn. 389,00 zł netto, VAT 23%, razem 1 913,88 zł brutto.
Termin płatności: 14 dni. Dostawa: Poznań, magazyn centralny. Uwagi: paleta zwrotna EUR-1."""),

("shipping_label", "US", """USPS PRIORITY MAIL
FROM: [[PERSON:R. VILLANUEVA]]
[[STREET_ADDRESS:PO BOX 4418
SANTA FE NM 87502-4418]]
TO: [[PERSON:MARGARET O'CONNELL]]
[[STREET_ADDRESS:1207 W 4TH ST UNIT 3
DULUTH MN 55806]]
TRACKING 9405 5112 0620 1834 7712 39
WT 2 LB 4 OZ"""),

("travel_booking", "IT", """Biglietto Frecciarossa - PNR XK4T7Q
Passeggero: [[PERSON:Rossi Federica]] (CartaFRECCIA [[ACCOUNT_NUMBER:40418273916]])
Treno 9523 Milano Centrale -> Napoli Centrale, 21/06/2024 08:10, carrozza 6 posto 11B
Codice fiscale per la fattura: [[NATIONAL_ID~it_cf:RSSFDR92M52F205*]]
Contatto: [[EMAIL_ADDRESS:fede.rossi92@libero.it]]"""),

("invoice_note", "GB", """Refund request - approved
Customer: [[PERSON:Callum McKenzie-Boyd]]
Order: GB-20240412-5531 (2 x hiking boots, size 10, £139.98)
Refund to card: Visa ending 4417 (original payment)
If the card is closed, pay to sort code 20-41-82, account [[ACCOUNT_NUMBER:73918204]]
Alt: [[IBAN_CODE:GB?? BARC 2041 8273 9182 04]]
NI number given for ID check (not needed!): [[NATIONAL_ID:JT 48 27 15 C]]
Approved by [[PERSON:Hannah]], CS lead"""),

("llm_prompt", "US", '''Extract the fields from this email into JSON (name, phone, order_id, issue):

"hey its [[PERSON:jake]] from [[STREET_ADDRESS:apt 4c at 88 linden st brooklyn]], my number is [[PHONE_NUMBER:718 555 0143]], the order 113-4471982-0093 came w/ a cracked screen. also my gf [[PERSON:tasha]] ordered the same thing on her acct lol"'''),
]
