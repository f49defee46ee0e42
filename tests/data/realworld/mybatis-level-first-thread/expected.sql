insert into users values(?, ?)
