SELECT room_id,member_uid,title,notice,online_count,room_type,gmt_create,gmt_modify,deleted FROM room
