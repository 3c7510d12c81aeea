# Hand-written texts, part 5. Each record: (genre, country, marked_text).
RECORDS = [
("support_ticket", "US",
 "Hi, I'm locked out of my account after the password reset emails stopped coming. Username [[USERNAME:bmorales_tx]], "
 "email on file [[EMAIL_ADDRESS:brenda.morales@att.net]], billing zip [[ZIP_CODE:78704]]. I tried the reset link three "
 "times yesterday and once this morning, and every time it says the link expired. I have a tax deadline on Monday and "
 "all my receipts are in there. I can send a photo of my Texas DL ([[US_DRIVER_LICENSE:27419036]]) to prove it's me. "
 "Please call me at [[PHONE_NUMBER:512-555-0193]] any time after 8am Central.\n"
 "Thank you, [[PERSON:Brenda]]"),

("chat_transcript", "BE",
 "[[PERSON:Wout]] (klantendienst): Goeiemiddag! Waarmee kan ik helpen?\nKlant: Dag, mijn naam is [[PERSON:Lotte Claes]], "
 "ik verhuis op 1 juli naar [[STREET_ADDRESS:Koningin Astridlaan 42 bus 5, 2800 Mechelen]] en wil mijn internet laten "
 "meeverhuizen.\n[[PERSON:Wout]] (klantendienst): Prima. Mag ik ter controle uw rijksregisternummer?\nKlant: "
 "[[NATIONAL_ID~be_nn2k:01.03.22-148.??]]\n[[PERSON:Wout]] (klantendienst): Dank u, mevrouw [[PERSON:Claes]]. De "
 "technieker komt op 2 juli tussen 8 en 12 uur."),

("support_ticket", "XX",
 "Bug: when exporting invoices to CSV, the 'Due date' column shows 1970-01-01 for drafts. Repro on build 2024.6.2 "
 "(Safari 17.5, macOS Sonoma) and Firefox 127. Workspace: Helios Studio. Customer impact: low, but finance teams "
 "notice it at month end. Linked: FIN-3381, FIN-3390. Suggested fix: skip the column when the invoice has no due date."),

("email", "HU",
 "Tisztelt [[PERSON:Kovács Péter]]!\n\nKérjük, a kauciót az alábbi számlaszámra utalja: "
 "[[IBAN_CODE:HU?? 1176 3842 0037 1924 0000 0000]]. Közlemény: bérleti szerződés 2024/17. A kulcsokat a szerződés "
 "aláírásakor adjuk át, július 1-jén 10 órakor.\n\nÜdvözlettel:\n[[PERSON:Szabó Eszter]]\n"
 "[[STREET_ADDRESS:Andrássy út 66. II. em. 4., 1062 Budapest]]\n[[PHONE_NUMBER:+36 30 482 7163]]"),

("sms", "RO",
 "Buna [[PERSON:Andreea]], comanda ta eMAG ajunge azi in intervalul 12-16 la [[STREET_ADDRESS:Str. Avram Iancu nr. 14, "
 "bl. B2, sc. 1, ap. 9, Cluj-Napoca 400089]]. Plata: card online, nimic de achitat. Curier: [[PERSON:Marius]] "
 "[[PHONE_NUMBER:0745 318 276]]. Daca nu esti acasa, coletul poate fi lasat la vecina, dna [[PERSON:Ionescu]], ap. 10."),

("hr_note", "MY",
 "New hire paperwork: [[PERSON:Nurul Aisyah binti Ahmad]], MyKad [[NATIONAL_ID:950312-14-5628]], address "
 "[[STREET_ADDRESS:No. 12, Jalan SS 2/24, 47300 Petaling Jaya, Selangor]]. Salary to Maybank account "
 "[[ACCOUNT_NUMBER:5140 1229 8837]]. EPF and SOCSO registration pending. Start date 1 August, reporting to "
 "Mr [[PERSON:Lim]], Finance."),

("app_log", "NG",
 'time="2024-06-15T08:30:12Z" level=warning msg="login from new device" user_id=88213 username=[[USERNAME:ngozi.eze]] '
 'ip=[[IP_ADDRESS:198.51.100.77]] country=NG device="Pixel 7" risk=medium action=step_up_otp'),

("llm_prompt", "PK",
 "Classify this customer message as complaint / query / praise and extract the phone number and ID:\n\n'Assalam o "
 "alaikum, I am [[PERSON:Muhammad Usman Tariq]], CNIC [[NATIONAL_ID:35202-4871936-5]]. My JazzCash wallet on "
 "[[PHONE_NUMBER:0300 4718293]] was debited twice for the same electricity bill on 12 June. I have attached the "
 "screenshots. Please refund the extra amount as soon as possible.'\n\n'Very happy with the new app, bill payment "
 "took 10 seconds. Thanks team!'\n\n'Salam, my name is [[PERSON:Sana Iqbal]] and I want to know why my limit is still "
 "25,000 after I did biometric verification at the Gulberg franchise on Saturday. Account email "
 "[[EMAIL_ADDRESS:sana.iqbal92@gmail.com]], number [[PHONE_NUMBER:0321 8847162]].'\n\n'Bhai kal se app crash ho rahi hai, "
 "Android 14, Samsung A54. Reinstall bhi kiya.'\n\nReturn a JSON list with one object per message."),

("payment_note", "FR",
 "Remboursement de 129,00 € validé pour Mme [[PERSON:Nathalie Girard]] sur le compte "
 "[[IBAN_CODE:FR?? 3000 4008 2800 0112 3456 7??]] (carte d'origine [[CREDIT_CARD:4970 1048 2261 537?]] expirée). Motif : annulation du séjour, réservation BK-48122, dans les délais "
 "de la politique flexible. Validé par [[PERSON:S. Marchand]], le 14/06. Envoyer la confirmation à "
 "[[EMAIL_ADDRESS:nathalie.girard@orange.fr]]."),

("chat_transcript", "XX",
 "Bot (Sunny): Hi! I'm Sunny, SolarFlex's virtual assistant. How can I help today?\nUser: what's the warranty on the "
 "SX-400 inverter?\nBot (Sunny): The SX-400 comes with a 10-year warranty. Extended plans are available from month 13.\n"
 "User: and the panels?\nBot (Sunny): Panels are covered for 25 years on output. Anything else?"),

("shipping_label", "MA",
 "Expéditeur : Atlas Argan Coop\nDestinataire : [[PERSON:Youssef El Amrani]]\n[[STREET_ADDRESS:Résidence Al Andalous, "
 "Imm. 7, Appt 12\nBd Zerktouni, 20040 Casablanca]]\nMaroc\nTél : [[PHONE_NUMBER:+212 661-482735]]\nColis 2/2 – "
 "contre-remboursement 450 MAD"),

("form_comment", "CH",
 "Vorrei disdire l'abbonamento alla fine del mese perché mi trasferisco. [[PERSON:Chiara Bernasconi]], "
 "[[STREET_ADDRESS:Via Nassa 21, 6900 Lugano]], cliente n. [[ACCOUNT_NUMBER:4418-227-09]]. Il rimborso della quota "
 "residua può andare su [[IBAN_CODE:CH?? 0483 5012 3456 7100 0]], grazie."),

("email", "US",
 "Hello Ms. [[PERSON:Patel]],\n\nTo complete your rental we still need a copy of your driver's license. The number you "
 "entered online is [[US_DRIVER_LICENSE:P362-418-73-291-0]] (Florida); please bring the physical card to the counter. "
 "Pickup is at our Orlando airport branch on June 21 at 2:00 PM, confirmation SC-99120.\n\nThanks,\n"
 "[[PERSON:Kevin O'Donnell]]\nSunCoast Car Rental\n[[PHONE_NUMBER:407-555-0108]]"),

("crm_note", "PE",
 "Visita técnica: sra. [[PERSON:Rosa Quispe Mamani]], [[STREET_ADDRESS:Jr. Junín 458, dpto. 301, Cercado de Lima]], DNI "
 "[[NATIONAL_ID:41827365]]. Reporta corte de internet desde el lunes, el router parpadea en rojo. Cel. "
 "[[PHONE_NUMBER:987 415 263]]. Programar para el viernes en la mañana, ella trabaja desde casa."),

("call_transcript", "US",
 "Rep: Lakeshore Credit Union, this is [[PERSON:Jamal]]. How can I help you today?\nMember: Hi, [[PERSON:Douglas "
 "Whitfield]], member number [[ACCOUNT_NUMBER:200148873]]. I want to raise my card limit.\nRep: Sure, I'll need to verify "
 "your identity first. Date of birth?\nMember: [[DATE_OF_BIRTH:July 4th, 1975]].\nRep: And the last four of your "
 "social?\nMember: 4421.\nRep: Thank you, Mr. [[PERSON:Whitfield]]. You're verified."),

("json_snippet", "DE",
 '{"request":{"method":"GET","url":"https://api.example-crm.com/v3/contacts?email=[[EMAIL_ADDRESS:hannah.schmidt%40web.de]]",'
 '"headers":{"Authorization":"Bearer [[SECRET:eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI4ODIxIn0.Qm7xK2pV9rLt4WbZs8Nc3YdHq1Fj6Ae0Gu5Io7Pk]]"}},'
 '"status":404,"duration_ms":88}'),

("sms", "US",
 "Hey it's [[PERSON:Danielle]] from Oakwood Realty. The showing at [[STREET_ADDRESS:5120 Maple Ridge Dr, Plano, TX "
 "75093]] is confirmed for 3pm, the sellers will be out. Text me at [[PHONE_NUMBER:972-555-0131]] when you're done "
 "and tell me what you thought! The lockbox is on the side door."),

("appointment_reminder", "GB",
 "Reminder: your MOT at QuickFit Garage is booked for Saturday 22 June at 09:00. Please arrive 10 minutes early and "
 "bring the V5C logbook. The test takes about 45 minutes; our waiting room has Wi-Fi and coffee. Reply CHANGE to "
 "rebook."),

("hr_note", "DK",
 "Ny medarbejder: [[PERSON:Frederik Holm Nielsen]], CPR [[NATIONAL_ID~dk_cpr:030691-185?]], adresse "
 "[[STREET_ADDRESS:Nørrebrogade 44, 4. tv., 2200 København N]]. Løn til reg.nr. 3409 konto "
 "[[ACCOUNT_NUMBER:4418227609]]. Første arbejdsdag 1. august, nøglekort bestilt hos [[PERSON:Pernille]] i receptionen."),

("support_ticket", "VN",
 "Customer [[PERSON:Pham Thi Lan]] says her rides are still charged to an old card. The new card is a Visa ending 5512 "
 "(we don't need the full number). Account phone [[PHONE_NUMBER:+84 90 827 3164]], email "
 "[[EMAIL_ADDRESS:lanpham.hcm@gmail.com]]. She also asked to change her display name to [[USERNAME:lan.pham]]. Please "
 "remove the old card from the wallet and confirm by email."),

("shipping_instructions", "DE",
 "Lieferung bitte an Familie [[PERSON:Öztürk]], [[STREET_ADDRESS:Schönhauser Allee 141, Hinterhaus 3. OG, 10437 Berlin]]. "
 "Die Klingel ist defekt, bitte anrufen: [[PHONE_NUMBER:0176 43821905]]. Wenn niemand da ist, Paket bitte bei Herrn "
 "[[PERSON:Becker]] im EG abgeben, nicht in der Packstation."),

("llm_prompt", "NL",
 "Vat dit telefoongesprek samen voor het klantdossier, in maximaal drie zinnen:\nKlant [[PERSON:Bram Jansen]] "
 "([[EMAIL_ADDRESS:bram.jansen@ziggo.nl]]) belt over een onterechte aanmaning van € 84,20. Hij woont sinds maart op "
 "[[STREET_ADDRESS:Oudegracht 231 bis, 3511 NK Utrecht]] en de brief ging naar het oude adres. Zijn BSN "
 "[[NATIONAL_ID~nl_bsn:16473829?]] staat verkeerd in ons systeem, volgens hem."),

("payment_note", "AU",
 "Direct debit failed for [[PERSON:Harrison Cole]], BSB 062-000, account [[ACCOUNT_NUMBER:1049 2873]]. Retry scheduled "
 "Monday. Card on file, Mastercard [[CREDIT_CARD:5312 6604 8827 194?]], to be used as fallback per customer consent "
 "recorded on 3 June by [[PERSON:Priyanka]]. Receipts go to [[EMAIL_ADDRESS:harrison.cole@icloud.com]]."),

("form_comment", "AT",
 "Suggestion: please add an option to export reports as PDF in A4 instead of US Letter. We're based in Vienna and our "
 "auditors (KPMG) require A4. Otherwise a great product, especially the new dashboard in 6.2. Would love dark mode in the mobile app too. "
 "Rating: 4/5."),

("email", "NG",
 "Good morning Mr. [[PERSON:Adeyemi]],\n\nKindly find attached the signed NDA and the updated data processing "
 "addendum. We look forward to the kick-off on Tuesday.\n\nBest regards,\n[[PERSON:Funmilayo Bankole-Adeyinka]]\n"
 "Legal Counsel, Sahel Fintech Ltd\n[[STREET_ADDRESS:Plot 1234, Ahmadu Bello Way, Victoria Island, Lagos]]\n"
 "[[PHONE_NUMBER:+234 809 214 5573]] | [[EMAIL_ADDRESS:f.bankole@sahelfintech.example.ng]]"),

("chat_transcript", "XX",
 "[[USERNAME:xX_Vortex_Xx]]: anyone selling a GTX 1080?\n[[USERNAME:m1lk_tea]]: i have one, 120 shipped\n"
 "[[USERNAME:xX_Vortex_Xx]]: bet, dm me, or add me on steam [[URL_PERSONAL:steamcommunity.com/id/vortexplays]]\n"
 "[[USERNAME:m1lk_tea]]: ok sent request, my profile is [[URL_PERSONAL:https://steamcommunity.com/id/m1lktea]]"),

("appointment_reminder", "IN",
 "Dear Mr. [[PERSON:Kulkarni]], your vehicle service at the Baner service centre is scheduled for 22-Jun 10:00 AM. "
 "Pick-up from [[STREET_ADDRESS:B-702, Ganga Heights, Baner Road, Pune 411045]] has been arranged. Driver: "
 "[[PERSON:Santosh]] ([[PHONE_NUMBER:98220 41736]]). Job card JC-44812."),

("app_log", "XX",
 "[2024-06-15 21:04:52] ci-runner: cloning https://oauth2:[[SECRET:glpat-Xq9vR3mL7tK2pW8zB4nY]]@gitlab.example.com/"
 "infra/terraform.git from [[IP_ADDRESS:192.0.2.61]] (runner-14, job 88213, pipeline 4410)"),

("crm_note", "JP",
 "Meeting notes, Sakura Foods: spoke with Ms. [[PERSON:Aiko Fujiwara]] (Head of IT) and [[PERSON:Tanaka]]-san from "
 "purchasing. Trial of 25 seats starting in July. Contact: [[EMAIL_ADDRESS:a.fujiwara@sakura-foods.example.jp]]. "
 "Invoice address: [[STREET_ADDRESS:2-7-1 Nishi-Shinjuku, Shinjuku-ku, Tokyo 163-0890]]. They need the contract in "
 "Japanese and a hanko-free signature flow."),

("sms", "MX",
 "[[PERSON:Lupita]], ya llegó tu paquete a la sucursal de [[STREET_ADDRESS:Av. Universidad 1200, Col. Xoco, Benito "
 "Juárez, 03339 CDMX]]. Muestra tu INE al recoger. Horario de 9 a 19 h. Dudas: [[PHONE_NUMBER:55 8921 4470]]."),

("llm_prompt", "XX",
 "Create a 5-day itinerary for Kyoto in November for two people who like temples, tea houses and ramen. Include "
 "Fushimi Inari, Arashiyama and a day trip to Nara. Budget: mid-range, JR Pass holders, arriving from Tokyo on Monday. Avoid the weekend for Arashiyama "
 "because of the crowds."),

("hr_note", "CN",
 "员工档案更新:[[PERSON:李娜]],身份证号 [[NATIONAL_ID~cn_ric:44030419920816502^]],手机 [[PHONE_NUMBER:139 2874 6510]],"
 "现住址 [[STREET_ADDRESS:广东省深圳市南山区深南大道9988号 B座1806室]]。紧急联系人:[[PERSON:李强]](父亲)。"
 "入职日期 2024年7月1日,部门:财务部。"),

("json_snippet", "GB",
 '{"applicant":{"title":"Mr","forename":"[[PERSON:Callum]]","surname":"[[PERSON:MacLeod]]",'
 '"date_of_birth":"[[DATE_OF_BIRTH:1989-02-17]]","ni_number":"[[NATIONAL_ID:SK 71 44 28 B]]",'
 '"postcode":"[[ZIP_CODE:IV2 3PY]]","email":"[[EMAIL_ADDRESS:callum.macleod@btinternet.com]]"},"product":"ISA",'
 '"channel":"web"}'),

("shipping_label", "AT",
 "Österreichische Post – Paket\nEmpfänger: Mag. [[PERSON:Birgit Steinwender]]\n[[STREET_ADDRESS:Herrengasse 12/Top 5\n"
 "8010 Graz]]\nTel. [[PHONE_NUMBER:+43 664 3817224]]\nSendungsnr. 1000 4418 2277 0091\nAbsender: Bergkräuter Versand GmbH"),

("email", "GR",
 "Dear [[PERSON:Dimitris]],\n\nFor the conference badge and the hotel booking we need the following: full name as on "
 "the passport ([[PERSON:DIMITRIOS PAPANIKOLAOU]]), passport no. [[PASSPORT:AN4187293]], nationality, and date of birth "
 "([[DATE_OF_BIRTH:14/09/1983]] as you sent it, please confirm). The hotel is the Ibis near the venue.\n\nKind regards,\n"
 "[[PERSON:Sofia]]"),

("form_comment", "TR",
 "Contact form. Name: [[PERSON:Emre Çelik]] | Email: [[EMAIL_ADDRESS:emre.celik@yandex.com.tr]] | Phone: "
 "[[PHONE_NUMBER:+90 532 418 27 63]] | Message: Interested in the Istanbul reseller program, we have 3 stores in "
 "Kadıköy and Beşiktaş and an online shop. Please send the price list in TRY."),

("support_ticket", "PH",
 "Hi Support, this is [[PERSON:Jose Miguel Reyes III]]. My SSS number is [[NATIONAL_ID:34-1872945-6]] and I need my "
 "contribution history for a housing loan. Mailing address: [[STREET_ADDRESS:Blk 12 Lot 8, Camella Homes, Brgy. Talon "
 "Dos, Las Piñas City 1747]]. You can also reach me at [[EMAIL_ADDRESS:jmreyes3@yahoo.com.ph]]."),

("call_transcript", "IT",
 "Operatore: Buongiorno, sono [[PERSON:Federica]], in cosa posso esserle utile?\nCliente: Salve, sono [[PERSON:Salvatore "
 "Esposito]], chiamo per la bolletta di maggio. Il codice cliente è [[ACCOUNT_NUMBER:300418275]].\nOperatore: Grazie "
 "signor [[PERSON:Esposito]]. Mi conferma l'indirizzo di fornitura?\nCliente: [[STREET_ADDRESS:Via Toledo 256, 80134 "
 "Napoli]], terzo piano."),

("shipping_instructions", "DE",
 "Loading dock B at the Hamburg warehouse is closed for repairs until 5 July. Please route all inbound containers "
 "(booking MSKU 771204-3) to dock D. Driver check-in at Gate 2, bring CMR documents and the slot confirmation. Trucks arriving "
 "after 15:00 will be rebooked for the next morning."),

("app_log", "XX",
 "2024-06-15T23:59:01Z INFO webhook.sendgrid key_loaded=[[SECRET:SG.Kq7vR2mX9pLt4WbZs8Nc3Y.dHq1Fj6Ae0Gu5Io7Pk2Lm9Xz4Vb8Nc3Rt6Yw1Qe5]] "
 "env=prod sender=[[EMAIL_ADDRESS:billing@acmecloud.example.com]] reply_to=[[EMAIL_ADDRESS:support@acmecloud.example.com]]"),
]
