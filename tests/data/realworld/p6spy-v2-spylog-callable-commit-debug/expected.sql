{ CALL envoi_courriel() }
