# realistic_v4, part 3 of 4: 40 hand-written texts, (genre, country, marked_text).
# Marks: [[TYPE:value]], or [[TYPE~scheme:value]] with ? / * / ^ placeholders for check digits.

RECORDS = [
("email", "US", """From: [[PERSON:Dawn Whitaker]] <[[EMAIL_ADDRESS:dawn.whitaker@example.org]]>
To: [[EMAIL_ADDRESS:support@quillpress.example.com]]
Cc: [[PERSON:Hunter Baines]], [[PERSON:Summer Osei]]
Subject: Manuscript upload keeps failing

Hi, the upload page times out at 98% every time (the file is a 14 MB .docx). I tried Chrome and Safari, cleared the cache and even split the file into two halves, same thing. My editor [[PERSON:Hunter]] says the deadline for the fall catalog is Monday, so this is getting urgent. Could someone call me? [[PHONE_NUMBER:(615) 555-0172]], any time before 6 pm Central.

--
[[PERSON:Dawn Whitaker]], author of "The Salt Orchard"
[[URL_PERSONAL:https://dawnwhitakerwrites.example.com]]"""),

("hr_note", "US", """I-9 / onboarding checklist – [[PERSON:ROSARIO VILLANUEVA-PEÑA]]
List B: driver license (NJ) [[US_DRIVER_LICENSE:V3381 42097 08614]], exp. 2027
List C: Social Security card, SSN [[US_SSN:587-20-4418]]
Start date 7/8, site Newark DC2, 2nd shift. Direct deposit form received.
Emergency contact: [[PERSON:Hope]] (sister), [[PHONE_NUMBER:973-555-0184]]"""),

("support_ticket", "GB", """Our Hoover washing machine (model HW 410AMC) shows error E03 after every 40°C cycle. Bought at Currys Croydon in March with a 2-year warranty, order no. 9038-2211-KK. An engineer from Hoover Candy came on 4 June but didn't bring the drain pump. Please advise the next available slot, ideally a Wednesday morning."""),

("chat_transcript", "IS", """[[USERNAME:gudrun_h]]: Sæl, ég var að flytja og þarf að breyta heimilisfanginu á reikningnum
[[USERNAME:thjonusta_2]]: Sæl [[PERSON:Guðrún]]! Hver er kennitalan þín?
[[USERNAME:gudrun_h]]: [[NATIONAL_ID~is_kt:120384-23?9]]
[[USERNAME:thjonusta_2]]: Takk. Og nýja heimilisfangið?
[[USERNAME:gudrun_h]]: [[STREET_ADDRESS:Laugavegur 58b, íbúð 302, 101 Reykjavík]]"""),

("sms", "BG", """Здравей, [[PERSON:Петя]]! За договора за наем ми трябват ЕГН и адрес по лична карта.
---
Ето: ЕГН [[NATIONAL_ID~bg_egn:870423451?]], адрес [[STREET_ADDRESS:ж.к. Младост 4, бл. 412, вх. Б, ет. 6, ап. 38, 1715 София]]. Ако нещо липсва, звънни на [[PHONE_NUMBER:0888 412 305]]."""),

("llm_prompt", "IN", """Here is our attendance sheet for May. Find who was absent more than 3 days and draft a polite warning email for each of them:
name,email,absent_days
[[PERSON:Ravi Shankar Iyer]],[[EMAIL_ADDRESS:ravi.iyer@kaveriinfotech.example.in]],2
[[PERSON:Pooja Deshmukh]],[[EMAIL_ADDRESS:pooja.d@kaveriinfotech.example.in]],5
[[PERSON:Sk. Imran]],[[EMAIL_ADDRESS:imran.sk@kaveriinfotech.example.in]],4"""),

("form_comment", "HR", """Poruka s web obrasca: Poštovani, molim ispravak računa za struju. Na računu piše pogrešno ime ([[PERSON:Ivan Horvat]] umjesto [[PERSON:Ivana Horvat]]). OIB [[NATIONAL_ID~hr_oib:4872013590?]], broj kupca [[ACCOUNT_NUMBER:0114772031]], adresa [[STREET_ADDRESS:Ilica 215, 10000 Zagreb]]. Hvala, [[PERSON:Ivana]], [[PHONE_NUMBER:091 552 3871]]"""),

("app_log", "XX", """{"ts":"2024-06-13T11:02:55Z","level":"debug","msg":"outgoing request","url":"https://api.partner.example.com/v1/orders","headers":{"Authorization":"Bearer [[SECRET:eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1XzQ0ODIiLCJleHAiOjE3MTgyODAwMDB9.Qm9ndXNTaWduYXR1cmVGb3JUZXN0cw]]","X-Session":"[[SECRET:sess_9fK2xQ7LmP4tR8vW]]"},"user":"[[USERNAME:lena.kowalczyk]]","remote":"[[IP_ADDRESS:172.16.33.8]]"}"""),

("crm_note", "CL", """Cliente [[PERSON:Catalina Paz Fuenzalida]] (RUT [[NATIONAL_ID~cl_rut:16.482.337-^]]) llamó por cobro duplicado del plan Hogar. Dirección: [[STREET_ADDRESS:Av. Pedro de Valdivia 1785, depto 1204, Providencia, Santiago]]. Fono [[PHONE_NUMBER:+56 9 6482 1907]]. Se ofrece nota de crédito, la clienta acepta. Ojo: prefiere que la llamen después de las 19 hrs, está con la guagua."""),

("json_snippet", "GB", """{"store_id": "ST-0042", "name": "Harrods Food Hall Pop-up", "city": "London", "opening_hours": {"mon_sat": "10:00-21:00", "sun": "11:30-18:00"}, "brands": ["Fortnum & Mason", "Paul Hollywood Bakes", "Ben & Jerry's"], "sku_count": 1240, "last_sync": "2024-06-13T06:00:00Z"}"""),

("shipping_label", "US", """SHIP TO:
[[PERSON:EARL T. MCCRACKEN]]
[[STREET_ADDRESS:RR 2 BOX 148
HARLAN IA 51537-9802]]
PH [[PHONE_NUMBER:712-555-0109]]
USPS PRIORITY MAIL 2-DAY
TRACKING 9405 5036 9930 0148 2217 63
REF: PO-55192"""),

("medical_intake", "GB", """GP registration form (GMS1)
Surname: [[PERSON:Adeyemi-Clarke]]
Forenames: [[PERSON:Olusegun James]]
DOB: [[DATE_OF_BIRTH:22/11/1990]]
NHS no.: [[NATIONAL_ID~gb_nhs:485 221 730?]]
NI no.: [[NATIONAL_ID:JT 48 21 97 B]]
Address: [[STREET_ADDRESS:Flat 9, Wren Court, 61 Holloway Road, London N7 8JX]]
Mobile: [[PHONE_NUMBER:07823 416902]]
Previous GP: Archway Medical Centre"""),

("real_estate_inquiry", "SK", """Dobrý deň, mám záujem o prenájom 2-izbového bytu na Obchodnej ulici (inzerát č. 884213). Pracujem ako zdravotná sestra v nemocnici na Kramároch, som nefajčiarka, bez zvierat. Volám sa [[PERSON:Zuzana Hrašková]], tel. [[PHONE_NUMBER:0905 318 442]], e-mail [[EMAIL_ADDRESS:zuzka.hraskova@azet.sk]]. Byt by som si mohla pozrieť vo štvrtok po 16:00."""),

("voicemail_transcript", "US", """Hi, this is [[PERSON:Yesenia]] from the office of la doctora [[PERSON:Castellanos]], calling for the parent of [[PERSON:Mateo Ruiz]]. [[PERSON:Mateo]]'s appointment is moved to el jueves 20 at 3:45. Si tiene preguntas, llámenos al [[PHONE_NUMBER:(956) 555-0137]]. Gracias, bye!"""),

("sms", "JP", """【ヤマト運輸】お荷物のお届け予定日時：6月15日 14時〜16時。伝票番号 4821-3390-1127。ご不在の場合は不在連絡票をお入れします。日時の変更は配送状況ページから承ります。※このメッセージは送信専用です。"""),

("marketplace_message", "PL", """— Dzień dobry, czy rower Kross Evado jest jeszcze aktualny? Mogę odebrać w piątek. Pozdrawiam, [[PERSON:Krzysiek]]
— Aktualny. Proszę o przelew na [[IBAN_CODE:PL?? 1140 2004 0000 3102 7819 4452]] albo BLIK na numer [[PHONE_NUMBER:512 448 903]]. Odbiór: [[STREET_ADDRESS:ul. Grunwaldzka 211/14, 80-266 Gdańsk]], proszę pytać o [[PERSON:Pawła]]."""),

("call_transcript", "IN", """Agent: Namaste, Sunrise Bank se [[PERSON:Deepak]] bol raha hoon. Kya main Mrs. [[PERSON:Lakshmi Venkataraman]] se baat kar raha hoon?
Customer: Haan, bol rahi hoon.
Agent: Ma'am, verification ke liye Aadhaar ke last 4 digits bataiye.
Customer: Pura le lo, [[NATIONAL_ID~in_aadhaar:4417 2309 856?]].
Agent: Ma'am sirf last 4 chahiye the, koi baat nahi. Aapka PAN [[NATIONAL_ID:AKRPV4471K]] bhi linked hai.
Customer: Accha. Aur mera address bhi change karna hai, ab hum [[STREET_ADDRESS:Flat 3B, Shanti Kunj Apartments, 14th Cross, Malleshwaram, Bengaluru 560003]] mein rehte hain.
Agent: Ji ma'am, address change ke liye branch mein proof dena hoga. Main request number SR-88213 bana deta hoon."""),

("school_message", "CA", """Bonjour Mme [[PERSON:Tremblay]], c'est [[PERSON:Nathalie Gagnon-Roy]], la mère de [[PERSON:Loïc]] (5e année). [[PERSON:Loïc]] a un rendez-vous chez le dentiste jeudi à 13 h; son père, [[PERSON:Sébastien]], viendra le chercher au secrétariat. Vous pouvez me joindre au [[PHONE_NUMBER:418 555-0193]]. Merci beaucoup!"""),

("insurance_claim", "NL", """Schadeformulier reisverzekering
Verzekerde: [[PERSON:Sanne de Vries-Bakker]]
BSN: [[NATIONAL_ID~nl_bsn:18347221?]]
Geboortedatum: [[DATE_OF_BIRTH:4 februari 1988]]
Adres: [[STREET_ADDRESS:Oudegracht 231-bis, 3511 NK Utrecht]]
Omschrijving: koffer (Samsonite) beschadigd op Schiphol na vlucht KL 1692 vanuit Lissabon. Reparatieofferte bijgevoegd.
Uitbetaling op [[IBAN_CODE:NL?? ABNA 0417 3390 82]]"""),

("travel_booking", "CY", """Κράτηση #CY-77120
Όνομα: [[PERSON:Ανδρέας Χριστοδούλου]]
Email: [[EMAIL_ADDRESS:a.christodoulou@cytanet.example.com.cy]]
Κινητό: [[PHONE_NUMBER:99 412 386]]
Άφιξη 12/8, 3 νύχτες, Limassol Marina Hotel, sea view, late check-out.
Κάρτα εγγύησης: [[CREDIT_CARD:5412 7534 1908 226?]] (exp 11/27)"""),

("llm_prompt", "DE", """Fasse den folgenden Artikel in drei Sätzen zusammen: «Die Deutsche Bahn hat angekündigt, den ICE-Verkehr zwischen Hamburg und Berlin ab dem 1. August wieder im Halbstundentakt anzubieten. Grund sind die abgeschlossenen Bauarbeiten bei Wittenberge. Der Fahrgastverband Pro Bahn begrüßte die Entscheidung, kritisierte aber die Preiserhöhung für die BahnCard 50.»"""),

("bank_dispute", "TR", """Sayın Yetkili,
[[CREDIT_CARD:4543 6020 1188 754?]] numaralı kredi kartımdan 04.06.2024 tarihinde "TRENDYOL*MARKET" adına 2.340,00 TL çekilmiştir; bu alışverişi ben yapmadım. Kimlik doğrulaması için TC kimlik no: [[NATIONAL_ID~tr_tckn:391462801??]]. İade tutarının [[IBAN_CODE:TR?? 0006 2000 4410 0006 2987 41]] hesabıma yatırılmasını rica ederim.
[[PERSON:Mehmet Ali Yıldırım]] – [[PHONE_NUMBER:0532 418 27 63]]"""),

("yaml_snippet", "XX", """apiVersion: v1
kind: Secret
metadata:
  name: mailer-credentials
  namespace: shop-prod
stringData:
  SMTP_USER: [[USERNAME:noreply-mailer]]
  SMTP_PASS: "[[SECRET:Gx7!mQ2#rTz84Lpa]]"
  SENDGRID_API_KEY: [[SECRET:SG.q8Xk2LmZ0RtQw7Yp4Nb3Ja.Hv9Ks3Dj6Fm1Ae5Gc8Rw2Tx0Uy7Vz4Bn6Mq1Lp3Wd]]
  ADMIN_CONTACT: [[EMAIL_ADDRESS:it-admin@example.net]]"""),

("delivery_note", "TZ", """Dereva: mzigo wa Bi. [[PERSON:Rehema Mwakyusa]] upelekwe [[STREET_ADDRESS:Mtaa wa Uhuru, Nyumba Na. 48, Kariakoo, Dar es Salaam]]. Apigiwe simu kwanza [[PHONE_NUMBER:0754 318 226]]. Kama hayupo, mpe kaka yake [[PERSON:Juma]]. Malipo yamekamilika kwa M-Pesa."""),

("email", "ES", """Hola [[PERSON:Álvaro]]:
Te reenvío lo que me pide la gestoría. Lo tengo todo menos los recibos del alquiler de marzo y abril, ¿los tienes tú en el correo?
Besos,
[[PERSON:Ingrid]]

---------- Mensaje reenviado ----------
De: [[PERSON:Marisa Quintana]] <[[EMAIL_ADDRESS:mquintana@asesoriaquintana.example.es]]>
Asunto: Documentación renta 2023
Necesito copia del DNI de [[PERSON:Álvaro]] ([[NATIONAL_ID~es_dni:50872314*]]) y del NIE de su mujer, [[PERSON:Ingrid Svensson]] ([[NATIONAL_ID~es_dni:X4418203*]]), además del IBAN para la devolución. Os recuerdo que este año podéis aplicar la deducción por alquiler de vivienda habitual, así que necesito también el contrato con el casero ([[PERSON:Tomás Ugarte]]) y los recibos de enero a diciembre. La cita para firmar es el jueves 23 a las 10:30 en nuestra oficina de [[STREET_ADDRESS:Calle de Ponzano 41, 2.º izda., 28003 Madrid]].
[[PERSON:Marisa Quintana]] · Asesoría Quintana · [[PHONE_NUMBER:914 483 207]]"""),

("meeting_notes", "SE", """Protokoll styrelsemöte BRF Lärkan 3, 11 juni
§1 Mötet öppnades.
§2 Takomläggningen: offerter från Skanska och NCC jämfördes, beslut tas i augusti.
§3 Tvättstugan: ny bokningstavla från Electrolux installeras vecka 25.
§4 Nästa möte 10 september kl. 19 i föreningslokalen."""),

("support_ticket", "LT", """Kreipinys Nr. 8812
Sveiki, mano vardas [[PERSON:Rūta Petrauskienė]], asmens kodas [[NATIONAL_ID~lt_asmens:4850917082?]]. Prašau pakeisti sąskaitą, į kurią grąžinama permoka: [[IBAN_CODE:LT?? 7300 0108 6629 1430]]. Adresas: [[STREET_ADDRESS:Savanorių pr. 178-25, LT-03154 Vilnius]]. Tel. [[PHONE_NUMBER:+370 612 48309]]."""),

("sms", "BD", """[[PERSON:Rakib]] bhai, ami [[PHONE_NUMBER:01712-448305]] number theke bKash e 2500 taka pathaisi, check koro. Ammu bolse parcel ta [[STREET_ADDRESS:House 14, Road 7, Dhanmondi, Dhaka 1205]] e pathate, ami thakbo na. – [[PERSON:Tania]]"""),

("hr_note", "JP", """人事メモ：[[PERSON:山本 健太]]さん（社員番号 E-20417）の扶養家族追加の件。配偶者 [[PERSON:山本 彩]]、マイナンバー [[NATIONAL_ID~jp_mynumber:4829 1130 762?]]。あわせて住所変更：〒[[STREET_ADDRESS:530-0001 大阪府大阪市北区梅田2-5-8 梅田グランドハイツ1107]]。"""),

("csv_snippet", "US", """first,last,dl_state,dl_number,zip,phone
[[PERSON:Brandy]],[[PERSON:Kowalczyk]],OH,[[US_DRIVER_LICENSE:RT418203]],[[ZIP_CODE:43215]],[[PHONE_NUMBER:614-555-0126]]
[[PERSON:Luis]],[[PERSON:Ocampo]],AZ,[[US_DRIVER_LICENSE:D08841927]],[[ZIP_CODE:85004]],[[PHONE_NUMBER:602-555-0153]]
[[PERSON:Mae]],[[PERSON:Thibodeaux]],GA,[[US_DRIVER_LICENSE:058214477]],[[ZIP_CODE:30307]],[[PHONE_NUMBER:404-555-0191]]"""),

("chat_transcript", "HK", """[[USERNAME:@kelvin_lam]]: 個 deposit 幾時退返俾我？我已經搬咗去[[STREET_ADDRESS:九龍旺角彌敦道688號旺角中心1期15樓B室]]
[[USERNAME:@landlord_chan]]: 下星期一過數。你個 HKID 係咪 [[NATIONAL_ID~hk_id:Y482113(^)]]？
[[USERNAME:@kelvin_lam]]: 係，有咩打俾我 [[PHONE_NUMBER:6318 4427]]"""),

("form_comment", "US", """Contact form – Account help
Name: [[PERSON:Bill Sutter]]
Email: [[EMAIL_ADDRESS:billsutter1961@aol.com]]
Message: I cant get into my account since the update. My username is [[USERNAME:bsutter61]] and the password I always use is [[SECRET:Gracie2011!]] (my dogs name + year). Please just reset it for me, I'm not good with computers. My grandson [[PERSON:Tyler]] usually helps me."""),

("appointment_reminder", "PE", """Clínica Miraflores Salud: Estimado(a) [[PERSON:JORGE LUIS HUAMÁN QUISPE]], le recordamos su cita de Cardiología con el Dr. [[PERSON:Ricardo Salazar]] el 19/06 a las 08:40. Presentar DNI [[NATIONAL_ID:45128837]] y llegar 20 minutos antes. Consultas al [[PHONE_NUMBER:(01) 417 3820]]."""),

("app_log", "XX", """Warning  BackOff    pod/checkout-7d9f8c6b5-x2k4q  Back-off restarting failed container checkout in pod checkout-7d9f8c6b5-x2k4q_prod(3f1e2a90-77c1-4b1e-9d2a-5e8f0c6a1b23)
Normal   Pulled     pod/checkout-7d9f8c6b5-x2k4q  Container image "registry.example.com/shop/checkout:2.14.1" already present on machine
Warning  Unhealthy  pod/cart-5b7c9d-qq8zm          Readiness probe failed: HTTP probe failed with statuscode: 503"""),

("recruiting_message", "DE", """Hallo [[PERSON:Leon]], ich bin [[PERSON:Annika Brandt]], Talent Acquisition bei Zalando. Dein GitHub ([[URL_PERSONAL:github.com/leon-vogt-dev]]) ist mir aufgefallen – besonders das Rust-Projekt zum Thema Lagerlogistik. Hast du Lust auf einen kurzen Call? Du erreichst mich unter [[PHONE_NUMBER:+49 30 2094 7718]] oder per Mail an [[EMAIL_ADDRESS:annika.brandt@zalando.example.de]]."""),

("invoice", "SI", """RAČUN št. 2024-118
Izdajatelj: Mizarstvo Kos s.p., [[STREET_ADDRESS:Cesta na Brdo 42, 1000 Ljubljana]]
Kupec: [[PERSON:Maja Zupančič]], [[STREET_ADDRESS:Prešernova ulica 9, 4000 Kranj]]
Postavka: vgradna omara po meri, 1 kos ... 1.840,00 EUR
Plačilo na TRR [[IBAN_CODE:SI?? 0201 0025 8813 370]], sklic SI00 2024-118"""),

("sms", "QA", """عزيزي العميل [[PERSON:جاسم]]، تم استلام طلب الصيانة رقم 44172. سيزورك الفني يوم الأحد بين 4 و6 مساءً على العنوان: [[STREET_ADDRESS:مبنى 27، شارع 840، منطقة 56، الدوحة]]. للاستفسار: [[PHONE_NUMBER:4411 8320]]"""),

("llm_prompt", "ID", """Tolong buatkan surat peringatan kedua untuk penyewa berikut, bahasa formal dan sopan:
Nama: [[PERSON:Dewi Lestari Putri]]
NIK: [[NATIONAL_ID:3174054208910003]]
Alamat kos: [[STREET_ADDRESS:Jl. Tebet Barat Dalam VI No. 21, Kamar 5, Jakarta Selatan 12810]]
Tunggakan: 2 bulan (Mei–Juni), total Rp 3.600.000"""),

("call_transcript", "US", """Agent: First Harbor fraud line, this is [[PERSON:Mike]].
Caller: Hi [[PERSON:Mike]], it's [[PERSON:Gloria Esteves]]. I got a text about a charge in Miami I didn't make. The card is [[CREDIT_CARD:3764 518290 4421?]].
Agent: Thank you. Can I have your date of birth?
Caller: [[DATE_OF_BIRTH:April 9th, 1958]].
Agent: And the billing zip?
Caller: [[ZIP_CODE:33139]].
Agent: Thank you, [[PERSON:Gloria]]. I see two charges at SOBE GRILL, $212.40 and $88.10. I'm blocking the card now, and a new one will go to the address on file, [[STREET_ADDRESS:1420 Euclid Ave, Apt 5, Miami Beach, FL 33139]]. Is that still correct?
Caller: Yes, that's right.
Agent: Great. It should arrive in 5 to 7 business days."""),

("form_comment", "IN", """Feedback form: The Kingfisher lounge at Terminal 2 was overcrowded and the Taj Mahal Palace shuttle was 40 min late. Paneer tikka at Bombay Brasserie was great though. Overall experience theek tha, not worth the premium. Rating 3/5. Booking ref 8KQ2LM."""),
]
