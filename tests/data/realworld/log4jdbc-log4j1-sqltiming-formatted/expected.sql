    insert 
    into
        USERINFO

    values
        ('wqeqw','213123','M','WAR,PEOPLE,','tianjin','dadfasf')
@@@@
    insert 
    into
        USERINFO

    values
        ('wqeqw','213123','M','WAR,PEOPLE,','tianjin','dadfasf')
