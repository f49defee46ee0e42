select * from app_step_import_file where step_id=?
